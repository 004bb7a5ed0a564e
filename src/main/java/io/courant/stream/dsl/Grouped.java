package io.courant.stream.dsl;

/**
 * Serdes for {@link KStream#groupBy} / {@link KStream#groupByKey} / {@link KTable#groupBy}, and the name of the repartition
 * topic ({@code <application.id>-<name>-repartition}) when grouping repartitions. Immutable.
 *
 * <pre>{@code
 * words.groupBy((line, word) -> word, Grouped.<String, String>with(Serdes.String(), Serdes.String()).withName("by-word"));
 * }</pre>
 *
 * @param name the repartition topic's name part, or null for a generated one
 * @param keySerde the key serde, or null for the stream's (or the default)
 * @param valueSerde the value serde, or null for the stream's (or the default)
 * @param <K> the key type
 * @param <V> the value type
 */
public record Grouped<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  /**
   * These serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Grouped<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Grouped<>(null, keySerde, valueSerde);
  }

  /**
   * A name for the repartition topic.
   *
   * @param name the repartition topic's name part ({@code <application.id>-<name>-repartition})
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Grouped<K, V> as(String name) {
    return new Grouped<>(name, null, null);
  }

  /**
   * A copy with this name.
   *
   * @param name the repartition topic's name part ({@code <application.id>-<name>-repartition})
   * @return a copy with it
   */
  public Grouped<K, V> withName(String name) {
    return new Grouped<>(name, keySerde, valueSerde);
  }
}
