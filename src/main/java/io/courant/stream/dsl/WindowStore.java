package io.courant.stream.dsl;

/**
 * A window store: a value per key and window; windows older than the retention (stream time minus
 * retention) are dropped.
 *
 * <pre>{@code
 * WindowStore<String, Long> perMinute = context.getStateStore("per-minute");
 * long start = record.timestamp() - record.timestamp() % 60_000;
 * Long n = perMinute.fetch(record.key(), start);
 * perMinute.put(record.key(), n == null ? 1 : n + 1, start);
 * }</pre>
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
