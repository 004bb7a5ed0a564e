package io.courant.cli;

/**
 * Why a command failed, with the exit code that tells scripts the kind of failure ({@link
 * ExitCode}). The message is printed as it is: it names what was wrong.
 */
final class CliException extends RuntimeException {
  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
