package io.courant.stream.dsl;

/**
 * Combines an aggregate with a new value of the same type ({@link KGroupedStream#reduce}).
 *
 * <pre>{@code
 * KTable<String, Long> maxPerSensor = readings.groupByKey().reduce(Math::max);
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface Reducer<V> {
  /**
   * Combines the aggregate with a value.
   *
   * @param aggregate the current aggregate
   * @param value the new value
   * @return the new aggregate
   */
  V apply(V aggregate, V value);
}
