package io.courant.stream.dsl;

/**
 * How {@link KStream#repartition} writes its internal topic {@code <application.id>-<name>-repartition}:
 * serdes and partition count (null: the input's). Immutable.
 *
 * <pre>{@code
 * orders.selectKey((id, o) -> o.customerId())
 *     .repartition(Repartitioned.<String, Order>as("by-customer").withNumberOfPartitions(8));
 * }</pre>
 *
 * @param name the topic's name part, or null for a generated one
 * @param keySerde the key serde, or null for the stream's (or the default)
 * @param valueSerde the value serde, or null
 * @param numberOfPartitions the topic's partitions, or null for the upstream topics' maximum
 * @param <K> the key type
 * @param <V> the value type
 */
public record Repartitioned<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Integer numberOfPartitions) {
  /**
   * The topic named after {@code name}.
   *
   * @param name the topic's name part ({@code <application.id>-<name>-repartition})
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Repartitioned<K, V> as(String name) {
    return new Repartitioned<>(name, null, null, null);
  }

  /**
   * These serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Repartitioned<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Repartitioned<>(null, keySerde, valueSerde, null);
  }

  /**
   * A copy with {@code n} partitions.
   *
   * @param n the number of partitions
   * @return a copy with it
   */
  public Repartitioned<K, V> withNumberOfPartitions(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("numberOfPartitions must be >= 1, not " + n);
    }
    return new Repartitioned<>(name, keySerde, valueSerde, n);
  }
}
