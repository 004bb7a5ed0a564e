package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.StoreSpec;

/**
 * A state store to add to a topology with {@link StreamsBuilder#addStateStore} and connect to a
 * {@link KStream#process} processor; made by {@link Stores}.
 *
 * <pre>{@code
 * StoreBuilder<KeyValueStore<String, Long>> seen = Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long());
 * builder.addStateStore(seen);
 * }</pre>
 *
 * @param <T> the store's type
 */
public final class StoreBuilder<T extends StateStore> {
  private final StoreSpec spec;

  StoreBuilder(StoreSpec spec) {
    this.spec = spec;
  }

  /**
   * The store's name.
   *
   * @return the name
   */
  public String name() {
    return spec.name();
  }

  StoreSpec spec() {
    return spec;
  }
}
