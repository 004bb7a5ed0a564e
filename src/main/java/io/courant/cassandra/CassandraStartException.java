package io.courant.cassandra;

/**
 * The embedded Cassandra could not be started. The message says what went wrong and how to fix it
 * (which config key, which command), and carries the end of Cassandra's log when it got that far.
 */
public class CassandraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CassandraStartException(String message) {
    super(message);
  }

  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
