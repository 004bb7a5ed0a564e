package io.courant.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.courant.testing.TestCassandra;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Kafka clients of other languages, run as processes: Debian's kcat (librdkafka) and npm's kafkajs
 * (in src/test/node). {@code .ci/install-test-clients} installs them; tests that need one are
 * skipped where it is not installed.
 */
final class ExternalClient {
  private ExternalClient() {}

  /** What a finished process said. */
  record Result(int exitCode, String stdout, String stderr) {
    Result succeeded() {
      assertEquals(0, exitCode, () -> "exit code " + exitCode + "; stderr:\n" + stderr + "\nstdout:\n" + stdout);
      return this;
    }
  }

  static boolean kcatInstalled() {
    return onPath("kcat");
  }

  /** The kafkajs scenario's folder, or null when node or the kafkajs package is missing. */
  static Path kafkajsDirectory() {
    Path dir = TestCassandra.courantHome().resolve("src/test/node");
    return onPath("node") && Files.isDirectory(dir.resolve("node_modules/kafkajs")) ? dir : null;
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a command with {@code stdin} as its input; fails the test if it does not end in {@code timeout}. */
  static Result run(List<String> command, Path directory, String stdin, Duration timeout) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(directory == null ? null : directory.toFile()).start();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail(command + " did not finish within " + timeout + "; stderr so far:\n" + err.getNow(""));
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(e);
      }
    }, "external-client-output");
    reader.setDaemon(true);
    reader.start();
    return text;
  }
}
