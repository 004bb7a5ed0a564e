package io.courant.stream.dsl;

/**
 * A state store of a task: {@link KeyValueStore}, {@link WindowStore} or {@link SessionStore}.
 * Every change is event-sourced in Cassandra together with the input offsets it came from (see
 * {@link CourantStreams}).
 *
 * <pre>{@code
 * builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
 * }</pre>
 */
public interface StateStore {
  /**
   * The store's name.
   *
   * @return the name
   */
  String name();
}
