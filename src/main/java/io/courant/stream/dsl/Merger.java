package io.courant.stream.dsl;

/**
 * Merges the aggregates of two session windows that a record joined into one ({@link SessionWindowedKStream#aggregate}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Merger<K, V> {
  V apply(K aggKey, V aggOne, V aggTwo);
}
