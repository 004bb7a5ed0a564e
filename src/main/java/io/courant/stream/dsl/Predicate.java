package io.courant.stream.dsl;

/**
 * A test on a record's key and value ({@link KStream#filter}, {@link KTable#filter}, {@link BranchedKStream#branch}).
 *
 * <pre>{@code
 * KStream<String, Order> large = orders.filter((id, order) -> order.total() > 100);
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface Predicate<K, V> {
  /**
   * Tests one record.
   *
   * @param key the record's key
   * @param value the record's value
   * @return true if the record satisfies the predicate
   */
  boolean test(K key, V value);
}
