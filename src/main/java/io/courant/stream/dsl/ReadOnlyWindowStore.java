package io.courant.stream.dsl;

import java.util.List;

/**
 * Reads of a window store: values per key and window start.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface ReadOnlyWindowStore<K, V> {
  /** The value of {@code key} in the window starting at {@code windowStart}, or null. */
  V fetch(K key, long windowStart);

  /** The windows of {@code key} starting from {@code timeFrom} to {@code timeTo} (inclusive), oldest first, as (window start, value). */
  List<KeyValue<Long, V>> fetch(K key, long timeFrom, long timeTo);

  /** Every key's windows starting from {@code timeFrom} to {@code timeTo} (inclusive). */
  List<KeyValue<Windowed<K>, V>> fetchAll(long timeFrom, long timeTo);

  /** Every window of every key. */
  List<KeyValue<Windowed<K>, V>> all();
}
