package io.courant.cli;

/**
 * The exit codes of {@code bin/courant}'s client commands, fixed so that scripts can rely on them
 * (docs/cli.md lists them).
 */
public final class ExitCode {
  /** The command did what it was asked. */
  public static final int OK = 0;
  /** The node failed the request (storage unavailable, timeout, an answer the CLI cannot read). */
  public static final int SERVER_ERROR = 1;
  /** A bad option or argument: refused by the CLI before sending anything, or by the node as invalid. */
  public static final int USAGE = 2;
  /** The topic, partition, consumer group or node named does not exist. */
  public static final int NOT_FOUND = 3;
  /** The request conflicts with the current state: the topic exists, the group still has members. */
  public static final int CONFLICT = 4;
  /** No node answers at the address given (connection refused, unknown host, connect timeout). */
  public static final int UNREACHABLE = 5;

  private ExitCode() {}
}
