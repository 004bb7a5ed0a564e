package io.courant.stream.dsl;

/**
 * Maps a key and value to a new result: a new key ({@link KStream#selectKey}, {@link KStream#groupBy}), a new {@link KeyValue} ({@link KStream#map}) or several ({@link KStream#flatMap}).
 *
 * <pre>{@code
 * KStream<String, Order> byCustomer = orders.selectKey((orderId, order) -> order.customerId());
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface KeyValueMapper<K, V, R> {
  /**
   * Maps one record.
   *
   * @param key the record's key
   * @param value the record's value
   * @return the result (a key, a {@link KeyValue}, or several)
   */
  R apply(K key, V value);
}
