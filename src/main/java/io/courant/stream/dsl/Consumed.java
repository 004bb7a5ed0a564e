package io.courant.stream.dsl;

/**
 * How {@link StreamsBuilder#stream}, {@link StreamsBuilder#table} and {@link
 * StreamsBuilder#globalTable} read a topic: key and value serdes (null: the application's {@code
 * default.key.serde} / {@code default.value.serde}) and the {@link TimestampExtractor}. Immutable.
 *
 * <pre>{@code
 * Consumed.with(Serdes.String(), Serdes.Json(PageView.class)).withTimestampExtractor((r, t) -> ((PageView) r.value()).at())
 * }</pre>
 *
 * @param keySerde the key serde, or null for the default
 * @param valueSerde the value serde, or null for the default
 * @param timestampExtractor the extractor, or null for the record's timestamp
 * @param name the source node's name, or null for a generated one
 * @param <K> the key type
 * @param <V> the value type
 */
public record Consumed<K, V>(Serde<K> keySerde, Serde<V> valueSerde, TimestampExtractor timestampExtractor, String name) {
  /**
   * These serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Consumed<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Consumed<>(keySerde, valueSerde, null, null);
  }

  /**
   * The default serdes and this extractor.
   *
   * @param extractor the timestamp extractor
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Consumed<K, V> with(TimestampExtractor extractor) {
    return new Consumed<>(null, null, extractor, null);
  }

  /**
   * The default serdes, the source node named {@code name}.
   *
   * @param name the source node's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Consumed<K, V> as(String name) {
    return new Consumed<>(null, null, null, name);
  }

  /**
   * A copy with this extractor.
   *
   * @param extractor the timestamp extractor
   * @return a copy with it
   */
  public Consumed<K, V> withTimestampExtractor(TimestampExtractor extractor) {
    return new Consumed<>(keySerde, valueSerde, extractor, name);
  }

  /**
   * A copy with this source node name.
   *
   * @param name the source node's name
   * @return a copy with it
   */
  public Consumed<K, V> withName(String name) {
    return new Consumed<>(keySerde, valueSerde, timestampExtractor, name);
  }
}
