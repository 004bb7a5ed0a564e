package io.courant.cli;

/** How a command prints its result: an aligned table for people, or JSON for scripts. */
enum OutputFormat {
  table,
  json
}
