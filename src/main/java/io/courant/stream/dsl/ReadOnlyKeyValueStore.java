package io.courant.stream.dsl;

import java.util.List;

/**
 * Reads of a key-value store. Ranges follow the order of the serialized keys (bytes compared
 * unsigned), as in Kafka Streams.
 *
 * <pre>{@code
 * ReadOnlyKeyValueStore<String, Long> counts = driver.getKeyValueStore("word-counts");
 * assertEquals(3L, counts.get("the"));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyKeyValueStore<K, V> {
  /**
   * The value of {@code key}, or null.
   *
   * @param key the key
   * @return the value, or null if the key has none
   */
  V get(K key);

  /**
   * The entries with keys from {@code from} to {@code to}, both inclusive (null: unbounded).
   *
   * @param from the first key (inclusive), or null for the lowest
   * @param to the last key (inclusive), or null for the highest
   * @return the entries, in serialized-key order
   */
  List<KeyValue<K, V>> range(K from, K to);

  /**
   * Every entry.
   *
   * @return the entries, in serialized-key order
   */
  List<KeyValue<K, V>> all();

  /**
   * The number of entries.
   *
   * @return the number of entries
   */
  long approximateNumEntries();
}
