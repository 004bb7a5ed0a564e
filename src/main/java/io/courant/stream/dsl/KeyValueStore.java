package io.courant.stream.dsl;

/**
 * A key-value state store ({@link Stores#keyValueStoreBuilder}, or behind a {@link KTable} or an
 * aggregation).
 *
 * <pre>{@code
 * KeyValueStore<String, Long> seen = context.getStateStore("seen");
 * if (seen.putIfAbsent(record.key(), record.timestamp()) == null) {
 *   context.forward(record);
 * }
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  /**
   * Sets {@code key} to {@code value} (null deletes).
   *
   * @param key the key
   * @param value the value
   */
  void put(K key, V value);

  /**
   * Sets {@code key} if it has no value; returns the value it had.
   *
   * @param key the key
   * @param value the value
   * @return the value {@code key} had, or null (then it was set)
   */
  V putIfAbsent(K key, V value);

  /**
   * Deletes {@code key}; returns the value it had.
   *
   * @param key the key
   * @return the value {@code key} had, or null
   */
  V delete(K key);
}
