package io.courant.stream.dsl;

import java.util.List;

/**
 * Reads of a window store: values per key and window start.
 *
 * <pre>{@code
 * ReadOnlyWindowStore<String, Long> perMinute = driver.getWindowStore("views-per-minute");
 * assertEquals(2L, perMinute.fetch("home", 60_000));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyWindowStore<K, V> {
  /**
   * The value of {@code key} in the window starting at {@code windowStart}, or null.
   *
   * @param key the key
   * @param windowStart the window start (epoch ms)
   * @return the value, or null if the window has none
   */
  V fetch(K key, long windowStart);

  /**
   * The windows of {@code key} starting from {@code timeFrom} to {@code timeTo} (inclusive), oldest first, as (window start, value).
   *
   * @param key the key
   * @param timeFrom the earliest window start (epoch ms, inclusive)
   * @param timeTo the latest window start (epoch ms, inclusive)
   * @return the windows as (window start, value), oldest first
   */
  List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo);

  /**
   * Every key's windows starting from {@code timeFrom} to {@code timeTo} (inclusive).
   *
   * @param timeFrom the earliest window start (epoch ms, inclusive)
   * @param timeTo the latest window start (epoch ms, inclusive)
   * @return the windows as (windowed key, value)
   */
  List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo);

  /**
   * Every window of every key.
   *
   * @return the windows as (windowed key, value)
   */
  List<KeyValue<Windowed<K>, V>> all();
}
