import { defineConfig } from 'vite';

// Built by Maven (generate-resources) into the node's classpath; the node serves it at /ui.
export default defineConfig({
  base: '/ui/',
  build: {
    outDir: '../target/classes/io/courant/http/console',
    emptyOutDir: true,
  },
});
