package io.courant.stream.dsl;

/**
 * The initial aggregate of a new key or window ({@link KGroupedStream#aggregate}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Initializer<VA> {
  /**
   * The aggregate before the first record.
   *
   * @return a new initial aggregate
   */
  VA apply();
}
