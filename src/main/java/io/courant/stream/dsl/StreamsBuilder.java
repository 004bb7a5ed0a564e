package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link Topology} with Kafka Streams' DSL: streams, tables and global tables read from
 * topics, then operators on them.
 *
 * <pre>{@code
 * StreamsBuilder builder = new StreamsBuilder();
 * builder.stream("orders", Consumed.with(Serdes.String(), Serdes.Json(Order.class)))
 *     .filter((id, order) -> order.qty() > 0)
 *     .to("valid-orders");
 * Topology topology = builder.build();
 * }</pre>
 *
 * @see CourantStreams
 * @see TopologyTestDriver
 */
public final class StreamsBuilder {
  final GraphBuilder graph = new GraphBuilder();
  private boolean built;

  /**
   * A stream of {@code topic}'s records, read with the default serdes ({@code default.key.serde},
   * {@code default.value.serde}). A source: stateless.
   *
   * <pre>{@code
   * KStream<String, String> lines = builder.stream("text-lines");
   * }</pre>
   *
   * @param topic the input topic (it must exist when the application starts)
   * @param <K> the key type
   * @param <V> the value type
   * @return the stream
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   * @see #stream(String, Consumed)
   * @see #table(String)
   */
  public <K, V> KStream<K, V> stream(String topic) {
    return stream(List.of(topic), Consumed.with(null, null));
  }

  /**
   * A stream of {@code topic}'s records, with the serdes and timestamp extractor of {@code consumed}.
   * A source: stateless.
   *
   * <pre>{@code
   * KStream<String, Order> orders = builder.stream("orders", Consumed.with(Serdes.String(), Serdes.Json(Order.class)));
   * }</pre>
   *
   * @param topic the input topic
   * @param consumed key and value serdes (null: the defaults) and a timestamp extractor
   * @param <K> the key type
   * @param <V> the value type
   * @return the stream
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   */
  public <K, V> KStream<K, V> stream(String topic, Consumed<K, V> consumed) {
    return stream(List.of(topic), consumed);
  }

  /**
   * One stream of several topics' records (same key and value types). A source: stateless; if a
   * stateful operator follows, the topics must be co-partitioned.
   *
   * <pre>{@code
   * KStream<String, Event> events = builder.stream(List.of("web-events", "app-events"), Consumed.with(Serdes.String(), eventSerde));
   * }</pre>
   *
   * @param topics the input topics
   * @param consumed key and value serdes and a timestamp extractor
   * @param <K> the key type
   * @param <V> the value type
   * @return the stream
   * @throws IllegalArgumentException if a topic name is invalid or already read by this topology
   */
  public <K, V> KStream<K, V> stream(Collection<String> topics, Consumed<K, V> consumed) {
    checkNotBuilt();
    topics.forEach(StreamsBuilder::checkTopic);
    String name = consumed.name() != null ? consumed.name() : graph.newName("KSTREAM-SOURCE");
    graph.addSource(name, List.copyOf(topics), false, consumed.keySerde(), consumed.valueSerde(), consumed.timestampExtractor());
    return new KStream<>(this, name, consumed.keySerde(), consumed.valueSerde(), false);
  }

  /**
   * A table of {@code topic}: the latest value per key, a null value deleting the key (a compacted
   * topic, typically), with the default serdes. Stateful (a key-value store, event-sourced with the
   * input offsets); does not repartition.
   *
   * <pre>{@code
   * KTable<String, String> customers = builder.table("customers");
   * }</pre>
   *
   * @param topic the changelog topic
   * @param <K> the key type
   * @param <V> the value type
   * @return the table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   * @see #table(String, Consumed, Materialized)
   * @see #globalTable(String)
   */
  public <K, V> KTable<K, V> table(String topic) {
    return table(topic, Consumed.with(null, null), Materialized.with(null, null));
  }

  /**
   * {@link #table(String)} with the serdes and timestamp extractor of {@code consumed}.
   *
   * @param topic the changelog topic
   * @param consumed key and value serdes and a timestamp extractor
   * @param <K> the key type
   * @param <V> the value type
   * @return the table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   */
  public <K, V> KTable<K, V> table(String topic, Consumed<K, V> consumed) {
    return table(topic, consumed, Materialized.with(consumed.keySerde(), consumed.valueSerde()));
  }

  /**
   * {@link #table(String)} in a named, queryable store ({@link CourantStreams#keyValueStore}).
   *
   * @param topic the changelog topic
   * @param materialized the store's name and serdes
   * @param <K> the key type
   * @param <V> the value type
   * @return the table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   */
  public <K, V> KTable<K, V> table(String topic, Materialized<K, V> materialized) {
    return table(topic, Consumed.with(materialized.keySerde(), materialized.valueSerde()), materialized);
  }

  /**
   * {@link #table(String)} with serdes and a named, queryable store.
   *
   * <pre>{@code
   * KTable<String, Customer> customers = builder.table("customers",
   *     Consumed.with(Serdes.String(), Serdes.Json(Customer.class)), Materialized.as("customers"));
   * }</pre>
   *
   * @param topic the changelog topic
   * @param consumed key and value serdes and a timestamp extractor
   * @param materialized the store's name (and serdes, if they differ)
   * @param <K> the key type
   * @param <V> the value type
   * @return the table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   */
  public <K, V> KTable<K, V> table(String topic, Consumed<K, V> consumed, Materialized<K, V> materialized) {
    checkNotBuilt();
    checkTopic(topic);
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : consumed.keySerde();
    Serde<V> vs = materialized.valueSerde() != null ? materialized.valueSerde() : consumed.valueSerde();
    String source = consumed.name() != null ? consumed.name() : graph.newName("KSTREAM-SOURCE");
    graph.addSource(source, List.of(topic), false, consumed.keySerde(), consumed.valueSerde(), consumed.timestampExtractor());
    String store = materialized.storeName() != null ? materialized.storeName() : topic + "-STATE-STORE-" + graph.newName("").substring(1);
    String name = graph.newName("KTABLE-SOURCE");
    graph.addProcessor(name, KTable.storeUpdater(store), source);
    graph.addStore(StoreSpec.keyValue(store, ks, vs), name);
    return new KTable<>(this, name, ks, vs, ValueGetterSupplier.ofStore(store), materialized.storeName(), null);
  }

  /**
   * A global table of {@code topic}, with the default serdes: every instance reads all of its
   * partitions from the beginning at start and keeps following it, so stream–globalTable joins need
   * no co-partitioning. Stateful (a store per instance, not event-sourced); never repartitions.
   *
   * <pre>{@code
   * GlobalKTable<String, String> products = builder.globalTable("products");
   * }</pre>
   *
   * @param topic the changelog topic
   * @param <K> the key type
   * @param <V> the value type
   * @return the global table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   * @see KStream#join(GlobalKTable, KeyValueMapper, ValueJoiner)
   * @see #table(String)
   */
  public <K, V> GlobalKTable<K, V> globalTable(String topic) {
    return globalTable(topic, Consumed.with(null, null), Materialized.with(null, null));
  }

  /**
   * {@link #globalTable(String)} with the serdes of {@code consumed}.
   *
   * @param topic the changelog topic
   * @param consumed key and value serdes
   * @param <K> the key type
   * @param <V> the value type
   * @return the global table
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name or is already read by this topology
   */
  public <K, V> GlobalKTable<K, V> globalTable(String topic, Consumed<K, V> consumed) {
    return globalTable(topic, consumed, Materialized.with(null, null));
  }

  /**
   * {@link #globalTable(String)} with serdes and a named store.
   *
   * @param topic the changelog topic
   * @param consumed key and value serdes
   * @param materialized the store's name
   * @param <K> the key type
   * @param <V> the value type
   * @return the global table
   * @throws IllegalArgumentException if a name is invalid or already used in this topology
   */
  public <K, V> GlobalKTable<K, V> globalTable(String topic, Consumed<K, V> consumed, Materialized<K, V> materialized) {
    checkNotBuilt();
    checkTopic(topic);
    String store = materialized.storeName() != null ? materialized.storeName() : topic + "-STATE-STORE-" + graph.newName("").substring(1);
    graph.addGlobal(new GraphBuilder.GlobalSpec(topic, store,
        materialized.keySerde() != null ? materialized.keySerde() : consumed.keySerde(),
        materialized.valueSerde() != null ? materialized.valueSerde() : consumed.valueSerde()));
    return new GlobalKTable<>(store);
  }

  /**
   * Adds a state store for {@link KStream#process} processors (connect it by name there). Its
   * changes are event-sourced with the input offsets of the task that writes it.
   *
   * <pre>{@code
   * builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
   * }</pre>
   *
   * @param storeBuilder the store's name, type and serdes
   * @return this builder
   * @throws NullPointerException if {@code storeBuilder} is null
   * @throws IllegalArgumentException if the topology already has a store of that name
   */
  public StreamsBuilder addStateStore(StoreBuilder<?> storeBuilder) {
    checkNotBuilt();
    graph.addStore(Objects.requireNonNull(storeBuilder, "storeBuilder").spec());
    return this;
  }

  /**
   * The topology built so far, to run with {@link CourantStreams} or {@link TopologyTestDriver}; the
   * builder cannot be used afterwards.
   *
   * <pre>{@code
   * Topology topology = builder.build();
   * System.out.println(topology.describe());
   * }</pre>
   *
   * @return the topology
   * @throws IllegalStateException if this builder was already built
   */
  public Topology build() {
    checkNotBuilt();
    built = true;
    return new Topology(graph);
  }

  private void checkNotBuilt() {
    if (built) {
      throw new IllegalStateException("this StreamsBuilder was already built: use a new one for another topology");
    }
  }

  private static void checkTopic(String topic) {
    String problem = io.courant.topic.TopicName.problem(topic);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }
}
