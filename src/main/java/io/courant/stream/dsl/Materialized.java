package io.courant.stream.dsl;

/**
 * Names and serdes of the state store behind a {@link KTable} or an aggregation. A named store is
 * queryable ({@link CourantStreams#keyValueStore}, {@link CourantStreams#windowStore}); every store
 * is event-sourced in Cassandra by {@link CourantStreams}, one store partition per input partition.
 * Immutable.
 *
 * <pre>{@code
 * words.groupByKey().count(Materialized.<String, Long>as("word-counts").withValueSerde(Serdes.Long()));
 * }</pre>
 *
 * @param storeName the store's name, or null for a generated (not queryable) name
 * @param keySerde the key serde, or null for the upstream's (or the default)
 * @param valueSerde the value serde, or null for the default (count's is always {@link Serdes#Long()})
 * @param retentionMs how long a window store keeps windows, or -1 for the window size + grace
 * @param <K> the key type
 * @param <V> the value type
 */
public record Materialized<K, V>(String storeName, Serde<K> keySerde, Serde<V> valueSerde, long retentionMs) {
  /**
   * Checks the components.
   *
   * @param storeName the store's name, or null for a generated (not queryable) name
   * @param keySerde the key serde, or null for the upstream's (or the default)
   * @param valueSerde the value serde, or null for the default (count's is always {@link Serdes#Long()})
   * @param retentionMs how long a window store keeps windows, or -1 for the window size + grace
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public Materialized {
    if (storeName != null && !storeName.matches("[a-zA-Z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("a store name is 1-200 characters of [a-zA-Z0-9._-], not '" + storeName + "'");
    }
  }

  /**
   * A store named {@code storeName}.
   *
   * @param storeName the store name
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Materialized<K, V> as(String storeName) {
    return new Materialized<>(storeName, null, null, -1);
  }

  /**
   * An unnamed store with these serdes.
   *
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the options
   */
  public static <K, V> Materialized<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
    return new Materialized<>(null, keySerde, valueSerde, -1);
  }

  /**
   * A copy with this key serde.
   *
   * @param keySerde the key serde, or null for the default
   * @return a copy with it
   */
  public Materialized<K, V> withKeySerde(Serde<K> keySerde) {
    return new Materialized<>(storeName, keySerde, valueSerde, retentionMs);
  }

  /**
   * A copy with this value serde.
   *
   * @param valueSerde the value serde, or null for the default
   * @return a copy with it
   */
  public Materialized<K, V> withValueSerde(Serde<V> valueSerde) {
    return new Materialized<>(storeName, keySerde, valueSerde, retentionMs);
  }

  /**
   * A copy keeping windows for {@code retention} (at least the window size + grace).
   *
   * @param retention how long windows are kept
   * @return a copy with it
   */
  public Materialized<K, V> withRetention(java.time.Duration retention) {
    return new Materialized<>(storeName, keySerde, valueSerde, retention.toMillis());
  }
}
