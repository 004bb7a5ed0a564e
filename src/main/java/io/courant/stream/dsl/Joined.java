package io.courant.stream.dsl;

/**
 * Serdes for a stream–table join ({@link KStream#join(KTable, ValueJoiner, Joined)}), used when
 * the stream must be repartitioned first. Immutable.
 *
 * <pre>{@code
 * ordersByCustomer.join(customers, (o, c) -> o + " by " + c, Joined.with(Serdes.String(), orderSerde, customerSerde));
 * }</pre>
 *
 * @param keySerde the key serde, or null for the stream's (or the default)
 * @param valueSerde the stream's value serde, or null
 * @param otherValueSerde the table's value serde, or null
 * @param name the repartition topic's name part, or null
 * @param <K> the key type
 * @param <V> the stream's value type
 * @param <VO> the table's value type
 */
public record Joined<K, V, VO>(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde, String name) {
  /**
   * These serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param otherValueSerde the other side's value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @param <VO> the other side's value type
   * @return the options
   */
  public static <K, V, VO> Joined<K, V, VO> with(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde) {
    return new Joined<>(keySerde, valueSerde, otherValueSerde, null);
  }

  /**
   * A name for the repartition topic.
   *
   * @param name the repartition topic's name part
   * @param <K> the key type
   * @param <V> the value type
   * @param <VO> the other side's value type
   * @return the options
   */
  public static <K, V, VO> Joined<K, V, VO> as(String name) {
    return new Joined<>(null, null, null, name);
  }
}
