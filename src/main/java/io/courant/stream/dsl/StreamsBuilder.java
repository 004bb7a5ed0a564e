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

  /** A stream of {@code topic}'s records, with the default serdes. */
  public <K, V> KStream<K, V> stream(String topic) {
    return stream(List.of(topic), Consumed.with(null, null));
  }

  /** A stream of {@code topic}'s records. */
  public <K, V> KStream<K, V> stream(String topic, Consumed<K, V> consumed) {
    return stream(List.of(topic), consumed);
  }

  /** One stream of several topics' records. */
  public <K, V> KStream<K, V> stream(Collection<String> topics, Consumed<K, V> consumed) {
    checkNotBuilt();
    topics.forEach(StreamsBuilder::checkTopic);
    String name = consumed.name() != null ? consumed.name() : graph.newName("KSTREAM-SOURCE");
    graph.addSource(name, List.copyOf(topics), false, consumed.keySerde(), consumed.valueSerde(), consumed.timestampExtractor());
    return new KStream<>(this, name, consumed.keySerde(), consumed.valueSerde(), false);
  }

  /** A table of {@code topic} (latest value per key), with the default serdes. */
  public <K, V> KTable<K, V> table(String topic) {
    return table(topic, Consumed.with(null, null), Materialized.with(null, null));
  }

  /** A table of {@code topic}. */
  public <K, V> KTable<K, V> table(String topic, Consumed<K, V> consumed) {
    return table(topic, consumed, Materialized.with(consumed.keySerde(), consumed.valueSerde()));
  }

  /** A table of {@code topic} in a named, queryable store. */
  public <K, V> KTable<K, V> table(String topic, Materialized<K, V> materialized) {
    return table(topic, Consumed.with(materialized.keySerde(), materialized.valueSerde()), materialized);
  }

  /** A table of {@code topic} in a named, queryable store. */
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

  /** A global table of {@code topic}, with the default serdes. */
  public <K, V> GlobalKTable<K, V> globalTable(String topic) {
    return globalTable(topic, Consumed.with(null, null), Materialized.with(null, null));
  }

  /** A global table of {@code topic}. */
  public <K, V> GlobalKTable<K, V> globalTable(String topic, Consumed<K, V> consumed) {
    return globalTable(topic, consumed, Materialized.with(null, null));
  }

  /** A global table of {@code topic} in a named store. */
  public <K, V> GlobalKTable<K, V> globalTable(String topic, Consumed<K, V> consumed, Materialized<K, V> materialized) {
    checkNotBuilt();
    checkTopic(topic);
    String store = materialized.storeName() != null ? materialized.storeName() : topic + "-STATE-STORE-" + graph.newName("").substring(1);
    graph.addGlobal(new GraphBuilder.GlobalSpec(topic, store,
        materialized.keySerde() != null ? materialized.keySerde() : consumed.keySerde(),
        materialized.valueSerde() != null ? materialized.valueSerde() : consumed.valueSerde()));
    return new GlobalKTable<>(store);
  }

  /** Adds a store for {@link KStream#process} processors. */
  public StreamsBuilder addStateStore(StoreBuilder<?> storeBuilder) {
    checkNotBuilt();
    graph.addStore(Objects.requireNonNull(storeBuilder, "storeBuilder").spec());
    return this;
  }

  /** The topology built so far; the builder cannot be used afterwards. */
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
