package io.courant.stream.dsl;

/**
 * How {@link KStream#to} writes records: key and value serdes (null: the defaults). The partition
 * is chosen as Kafka's producer does (murmur2 of the serialized key). Immutable.
 *
 * <pre>{@code
 * counts.toStream().to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
 * }</pre>
 *
 * @param keySerde the key serde, or null for the default
 * @param valueSerde the value serde, or null for the default
 * @param name the sink node's name, or null for a generated one
 * @param <K> the key type
 * @param <V> the value type
 */
public record Produced<K, V>(Serde<K> keySerde, Serde<V> valueSerde, String name) {
  /**
   * These serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Produced<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Produced<>(keySerde, valueSerde, null);
  }

  /**
   * The default serdes, the sink node named {@code name}.
   *
   * @param name the sink node's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Produced<K, V> as(String name) {
    return new Produced<>(null, null, name);
  }

  /**
   * A copy with this value serde.
   *
   * @param valueSerde the value serde, or null for the default
   * @return a copy with it
   */
  public Produced<K, V> withValueSerde(Serde<V> valueSerde) {
    return new Produced<>(keySerde, valueSerde, name);
  }

  /**
   * A copy with this key serde.
   *
   * @param keySerde the key serde, or null for the default
   * @return a copy with it
   */
  public Produced<K, V> withKeySerde(Serde<K> keySerde) {
    return new Produced<>(keySerde, valueSerde, name);
  }
}
