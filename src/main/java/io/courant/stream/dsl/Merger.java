package io.courant.stream.dsl;

/**
 * Merges the aggregates of two session windows that a record joined into one ({@link SessionWindowedKStream#aggregate}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Merger<K, V> {
  /**
   * Merges two sessions' aggregates.
   *
   * @param aggKey the key
   * @param aggOne one session's aggregate
   * @param aggTwo the other session's aggregate
   * @return the merged session's aggregate
   */
  V apply(K aggKey, V aggOne, V aggTwo);
}
