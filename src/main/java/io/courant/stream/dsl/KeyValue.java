package io.courant.stream.dsl;

/**
 * A key and a value, as in Kafka Streams ({@link KStream#map}, {@link KStream#flatMap}, store
 * iteration).
 *
 * <pre>{@code
 * KStream<String, Long> amounts = orders.map((id, o) -> KeyValue.pair(o.customerId(), o.total()));
 * }</pre>
 *
 * @param key the key
 * @param value the value
 * @param <K> the key type
 * @param <V> the value type
 */
public record KeyValue<K, V>(K key, V value) {
  /**
   * {@code new KeyValue<>(key, value)}.
   *
   * @param key the key
   * @param value the value
   * @param <K> the key type
   * @param <V> the value type
   * @return the pair
   */
  public static <K, V> KeyValue<K, V> pair(K key, V value) {
    return new KeyValue<>(key, value);
  }
}
