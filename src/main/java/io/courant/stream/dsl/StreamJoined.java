package io.courant.stream.dsl;

/**
 * Serdes and store name for a stream–stream join ({@link KStream#join(KStream, ValueJoiner,
 * JoinWindows, StreamJoined)}): both sides' records are kept in window stores for the join window.
 * Immutable.
 *
 * <pre>{@code
 * left.join(right, (l, r) -> l + r, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(5)),
 *     StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()).withStoreName("pairs"));
 * }</pre>
 *
 * @param keySerde the key serde, or null for the streams' (or the default)
 * @param valueSerde this stream's value serde, or null
 * @param otherValueSerde the other stream's value serde, or null
 * @param storeName the prefix of the two join stores' names, or null for generated names
 * @param <K> the key type
 * @param <V> this stream's value type
 * @param <VO> the other stream's value type
 */
public record StreamJoined<K, V, VO>(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde, String storeName) {
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
  public static <K, V, VO> StreamJoined<K, V, VO> with(Serde<K> keySerde, Serde<V> valueSerde, Serde<VO> otherValueSerde) {
    return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, null);
  }

  /**
   * A copy whose stores are named {@code <storeName>-this-join-store} and {@code -other-join-store}.
   *
   * @param storeName the store name
   * @return a copy with it
   */
  public StreamJoined<K, V, VO> withStoreName(String storeName) {
    return new StreamJoined<>(keySerde, valueSerde, otherValueSerde, storeName);
  }
}
