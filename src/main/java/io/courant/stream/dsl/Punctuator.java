package io.courant.stream.dsl;

/**
 * A callback scheduled with {@link ProcessorContext#schedule}.
 *
 * <pre>{@code
 * context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, streamTime -> emitTotals(streamTime));
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface Punctuator {
  /**
   * Runs the scheduled action.
   *
   * @param timestamp the stream time or wall-clock time (by the punctuation's type) it runs at
   */
  void punctuate(long timestamp);
}
