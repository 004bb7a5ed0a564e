package io.courant.stream.dsl;

/**
 * Decides what a {@link CourantStreams} instance does when its processing thread fails (an
 * exception from user code, a record that does not deserialize, an output topic that does not
 * exist, Cassandra unreachable...).
 *
 * <pre>{@code
 * streams.setUncaughtExceptionHandler(e -> e instanceof SerializationException
 *     ? StreamThreadExceptionResponse.SHUTDOWN_CLIENT : StreamThreadExceptionResponse.REPLACE_THREAD);
 * }</pre>
 */
@FunctionalInterface
public interface StreamsUncaughtExceptionHandler {
  /** The response to a failure. */
  enum StreamThreadExceptionResponse {
    /** Start a new thread: its tasks restore from the persisted state and re-read the input after the last applied offsets. */
    REPLACE_THREAD,
    /** Close this instance; its state becomes {@link CourantStreams.State#ERROR}. */
    SHUTDOWN_CLIENT
  }

  /**
   * Decides what happens after a processing failure.
   *
   * @param exception the failure
   * @return replace the processing thread (restart from the last commit) or shut the instance down
   */
  StreamThreadExceptionResponse handle(Throwable exception);
}
