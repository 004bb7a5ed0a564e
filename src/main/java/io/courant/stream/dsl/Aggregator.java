package io.courant.stream.dsl;

/**
 * Adds a record to an aggregate ({@link KGroupedStream#aggregate}).
 *
 * <pre>{@code
 * KTable<String, Long> spent = orders.groupByKey()
 *     .aggregate(() -> 0L, (customer, order, total) -> total + order.amount(), Materialized.with(Serdes.String(), Serdes.Long()));
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface Aggregator<K, V, VA> {
  /**
   * Folds one record into the aggregate.
   *
   * @param key the record's key (the group key)
   * @param value the record's value
   * @param aggregate the current aggregate (the initializer's result for a new key or window)
   * @return the new aggregate
   */
  VA apply(K key, V value, VA aggregate);
}
