package io.courant.stream.dsl;

/**
 * Merges the aggregates of two session windows that a record joined into one ({@link SessionWindowedKStream#aggregate}).
 *
 * <pre>{@code
 * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMinutes(30)))
 *     .aggregate(() -> 0L, (user, click, n) -> n + 1, (user, a, b) -> a + b);
 * }</pre>
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
