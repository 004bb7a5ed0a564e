package io.courant.stream.dsl;

/**
 * A window store: a value per key and window; windows older than the retention (stream time minus
 * retention) are dropped.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  /**
   * Sets the value of {@code key} in the window starting at {@code windowStart} (null deletes).
   *
   * @param key the key
   * @param value the value
   * @param windowStart the window start (epoch ms)
   */
  void put(K key, V value, long windowStart);
}
