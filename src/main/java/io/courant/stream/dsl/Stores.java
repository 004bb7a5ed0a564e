package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.StoreSpec;
import java.time.Duration;

/**
 * Builders of state stores for {@link KStream#process} processors. Every store is held in memory
 * by the task that owns it and event-sourced in Cassandra (one store partition per input
 * partition), so it survives restarts and moves with its partition.
 *
 * <pre>{@code
 * builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
 * }</pre>
 */
public final class Stores {
  private Stores() {}

  /**
   * A key-value store.
   *
   * @param name the store's name (connect it by this name in {@link KStream#process})
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the store builder
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStoreBuilder(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    Materialized.as(name); // validates the name
    return new StoreBuilder<>(StoreSpec.keyValue(name, keySerde, valueSerde));
  }

  /**
   * A window store keeping windows of {@code windowSize} for {@code retention}.
   *
   * @param name the store's name (connect it by this name in {@link KStream#process})
   * @param retention how long windows are kept
   * @param windowSize the window size
   * @param keySerde the key serde, or null for the default
   * @param valueSerde the value serde, or null for the default
   * @param <K> the key type
   * @param <V> the value type
   * @return the store builder
   */
  public static <K, V> StoreBuilder<WindowStore<K, V>> windowStoreBuilder(String name, Duration retention, Duration windowSize,
      Serde<K> keySerde, Serde<V> valueSerde) {
    Materialized.as(name);
    if (retention.toMillis() < windowSize.toMillis()) {
      throw new IllegalArgumentException("a window store's retention (" + retention + ") must be at least its window size (" + windowSize + ")");
    }
    return new StoreBuilder<>(new StoreSpec(name, StoreSpec.Type.WINDOW, keySerde, valueSerde, windowSize.toMillis(), retention.toMillis(), false));
  }
}
