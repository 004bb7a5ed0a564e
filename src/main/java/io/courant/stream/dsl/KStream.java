package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.Joins;
import io.courant.stream.dsl.internal.Lambda;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.Objects;

/**
 * An unbounded stream of key-value records, each an independent event (Kafka Streams' {@code
 * KStream}). Made by {@link StreamsBuilder#stream}; every operator returns a new stream and adds a
 * node to the topology.
 *
 * <pre>{@code
 * KStream<String, String> lines = builder.stream("lines", Consumed.with(Serdes.String(), Serdes.String()));
 * lines.flatMapValues(line -> List.of(line.toLowerCase().split("\\W+")))
 *     .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
 *     .count(Materialized.as("word-counts"))
 *     .toStream()
 *     .to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
 * }</pre>
 *
 * <p>Operators that change the key ({@link #map}, {@link #flatMap}, {@link #selectKey}, {@link
 * #groupBy}) mark the stream for repartitioning: a later stateful operator (aggregation, join)
 * first writes the records to an internal topic {@code <application.id>-<name>-repartition},
 * partitioned by the new key, and reads them back, so each key is processed by exactly one task.
 * Stateless operators never repartition by themselves.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @see KTable
 * @see KGroupedStream
 */
public final class KStream<K, V> {
  final StreamsBuilder builder;
  final String node;
  final Serde<K> keySerde;
  final Serde<V> valueSerde;
  final boolean repartitionRequired;

  KStream(StreamsBuilder builder, String node, Serde<K> keySerde, Serde<V> valueSerde, boolean repartitionRequired) {
    this.builder = builder;
    this.node = node;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.repartitionRequired = repartitionRequired;
  }

  private GraphBuilder graph() {
    return builder.graph;
  }

  private <KR, VR> KStream<KR, VR> add(String prefix, Lambda.Body<K, V, KR, VR> body, Serde<KR> ks, Serde<VR> vs, boolean keyChanged) {
    String name = graph().newName(prefix);
    graph().addProcessor(name, Lambda.processor(body), node);
    return new KStream<>(builder, name, ks, vs, repartitionRequired || keyChanged);
  }

  /** Keeps the records that satisfy {@code predicate}. Stateless; does not repartition. */
  public KStream<K, V> filter(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return add("KSTREAM-FILTER", (r, c) -> {
      if (predicate.test(r.key(), r.value())) {
        c.forward(r);
      }
    }, keySerde, valueSerde, false);
  }

  /** Drops the records that satisfy {@code predicate}. Stateless; does not repartition. */
  public KStream<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return filter((k, v) -> !predicate.test(k, v));
  }

  /** Replaces each record's key and value. Stateless; marks the stream for repartitioning (the key may change). */
  public <KR, VR> KStream<KR, VR> map(KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAP", (r, c) -> {
      KeyValue<? extends KR, ? extends VR> kv = mapper.apply(r.key(), r.value());
      c.forward(new Record<KR, VR>(kv.key(), kv.value(), r.timestamp(), r.headers()));
    }, null, null, true);
  }

  /** Replaces each value, the key unchanged. Stateless; does not repartition. */
  public <VR> KStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAPVALUES", (r, c) -> c.forward(r.withValue(mapper.apply(r.value()))), keySerde, null, false);
  }

  /** Replaces each value, seeing the key. Stateless; does not repartition. */
  public <VR> KStream<K, VR> mapValues(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAPVALUES", (r, c) -> c.forward(r.withValue(mapper.apply(r.key(), r.value()))), keySerde, null, false);
  }

  /** Replaces each record by zero or more records. Stateless; marks the stream for repartitioning. */
  public <KR, VR> KStream<KR, VR> flatMap(
      KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-FLATMAP", (r, c) -> {
      for (KeyValue<? extends KR, ? extends VR> kv : mapper.apply(r.key(), r.value())) {
        c.forward(new Record<KR, VR>(kv.key(), kv.value(), r.timestamp(), r.headers()));
      }
    }, null, null, true);
  }

  /** Replaces each value by zero or more values, the key unchanged. Stateless; does not repartition. */
  public <VR> KStream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-FLATMAPVALUES", (r, c) -> {
      for (VR v : mapper.apply(r.value())) {
        c.forward(r.withValue(v));
      }
    }, keySerde, null, false);
  }

  /** Sets a new key computed from each record. Stateless; marks the stream for repartitioning. */
  public <KR> KStream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-KEY-SELECT", (r, c) -> c.forward(r.withKey(mapper.apply(r.key(), r.value()))), null, valueSerde, true);
  }

  /** Calls {@code action} for each record and passes it on unchanged. Stateless. */
  public KStream<K, V> peek(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    return add("KSTREAM-PEEK", (r, c) -> {
      action.apply(r.key(), r.value());
      c.forward(r);
    }, keySerde, valueSerde, false);
  }

  /** Calls {@code action} for each record; a terminal operation. Stateless. */
  public void foreach(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    add("KSTREAM-FOREACH", (r, c) -> action.apply(r.key(), r.value()), keySerde, valueSerde, false);
  }

  /** The records of this stream and of {@code other}, interleaved as they arrive. Stateless. */
  public KStream<K, V> merge(KStream<K, V> other) {
    Objects.requireNonNull(other, "other");
    String name = graph().newName("KSTREAM-MERGE");
    graph().addProcessor(name, Lambda.processor((r, c) -> c.forward(r)), node, other.node);
    return new KStream<>(builder, name, keySerde, valueSerde, repartitionRequired || other.repartitionRequired);
  }

  /** Splits the stream into branches by predicates; a record goes to the first branch it satisfies. Stateless. */
  public BranchedKStream<K, V> split() {
    return split("");
  }

  /** {@link #split()}, the branches' names starting with {@code prefix}. */
  public BranchedKStream<K, V> split(String prefix) {
    return new BranchedKStream<>(this, prefix == null ? "" : prefix);
  }

  /** Writes the stream to an internal topic partitioned by the current key and reads it back. Repartitions. */
  public KStream<K, V> repartition() {
    return repartition(new Repartitioned<>(null, null, null, null));
  }

  /** {@link #repartition()} with serdes, a name and a partition count. */
  public KStream<K, V> repartition(Repartitioned<K, V> repartitioned) {
    Serde<K> ks = repartitioned.keySerde() != null ? repartitioned.keySerde() : keySerde;
    Serde<V> vs = repartitioned.valueSerde() != null ? repartitioned.valueSerde() : valueSerde;
    String name = repartitioned.name() != null ? repartitioned.name() : graph().newName("KSTREAM-REPARTITION");
    return throughRepartitionTopic(name, ks, vs, repartitioned.numberOfPartitions());
  }

  KStream<K, V> throughRepartitionTopic(String name, Serde<K> ks, Serde<V> vs, Integer partitions) {
    String topic = name + "-repartition";
    String filter = graph().newName("KSTREAM-FILTER");
    // records without a key cannot be partitioned by key: dropped (and counted), as Kafka Streams does
    graph().addProcessor(filter, Lambda.processor((r, c) -> {
      if (r.key() == null) {
        c.dropped(false);
      } else {
        c.forward(r);
      }
    }), node);
    graph().addSink(graph().newName("KSTREAM-SINK"), topic, null, true, ks, vs, partitions, filter);
    String source = graph().newName("KSTREAM-SOURCE");
    graph().addSource(source, java.util.List.of(topic), true, ks, vs, null);
    return new KStream<>(builder, source, ks, vs, false);
  }

  /** This stream, repartitioned first if its key changed. */
  KStream<K, V> repartitionedIfRequired(String name, Serde<K> ks, Serde<V> vs) {
    if (!repartitionRequired) {
      return new KStream<>(builder, node, ks, vs, false);
    }
    return throughRepartitionTopic(name, ks, vs, null);
  }

  /** Writes every record to {@code topic} with the default serdes. A terminal operation. */
  public void to(String topic) {
    to(topic, Produced.with(keySerde, valueSerde));
  }

  /** Writes every record to {@code topic}. A terminal operation. */
  public void to(String topic, Produced<K, V> produced) {
    Objects.requireNonNull(topic, "topic");
    String problem = io.courant.topic.TopicName.problem(topic);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String name = produced.name() != null ? produced.name() : graph().newName("KSTREAM-SINK");
    graph().addSink(name, topic, null, false, produced.keySerde() != null ? produced.keySerde() : keySerde,
        produced.valueSerde() != null ? produced.valueSerde() : valueSerde, null, node);
  }

  /** Writes each record to the topic {@code extractor} chooses for it. A terminal operation. */
  public void to(TopicNameExtractor<K, V> extractor) {
    to(extractor, Produced.with(keySerde, valueSerde));
  }

  /** Writes each record to the topic {@code extractor} chooses for it. A terminal operation. */
  public void to(TopicNameExtractor<K, V> extractor, Produced<K, V> produced) {
    Objects.requireNonNull(extractor, "extractor");
    String name = produced.name() != null ? produced.name() : graph().newName("KSTREAM-SINK");
    graph().addSink(name, null, extractor, false, produced.keySerde() != null ? produced.keySerde() : keySerde,
        produced.valueSerde() != null ? produced.valueSerde() : valueSerde, null, node);
  }

  /** The stream as a table: the latest value per key (a null value deletes the key). Stateful; repartitions if the key changed. */
  public KTable<K, V> toTable() {
    return toTable(Materialized.with(keySerde, valueSerde));
  }

  /** {@link #toTable()} into a named, queryable store. */
  public KTable<K, V> toTable(Materialized<K, V> materialized) {
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : keySerde;
    Serde<V> vs = materialized.valueSerde() != null ? materialized.valueSerde() : valueSerde;
    String store = materialized.storeName() != null ? materialized.storeName() : graph().newStoreName("KSTREAM-TOTABLE");
    KStream<K, V> input = repartitionedIfRequired(store, ks, vs);
    String name = graph().newName("KSTREAM-TOTABLE");
    graph().addProcessor(name, KTable.storeUpdater(store), input.node);
    graph().addStore(StoreSpec.keyValue(store, ks, vs), name);
    return new KTable<>(builder, name, ks, vs, ValueGetterSupplier.ofStore(store), materialized.storeName() != null ? store : null, null);
  }

  /** Groups by the current key, for an aggregation. Repartitions (at the aggregation) if the key changed. */
  public KGroupedStream<K, V> groupByKey() {
    return groupByKey(new Grouped<>(null, null, null));
  }

  /** {@link #groupByKey()} with serdes and a repartition topic name. */
  public KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
    return new KGroupedStream<>(this, grouped.name(), grouped.keySerde() != null ? grouped.keySerde() : keySerde,
        grouped.valueSerde() != null ? grouped.valueSerde() : valueSerde, repartitionRequired);
  }

  /** Groups by a new key computed from each record. Repartitions (at the aggregation). */
  public <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector) {
    return groupBy(keySelector, new Grouped<>(null, null, null));
  }

  /** {@link #groupBy(KeyValueMapper)} with serdes and a repartition topic name. */
  public <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped) {
    KStream<KR, V> selected = selectKey(keySelector);
    return new KGroupedStream<>(selected, grouped.name(), grouped.keySerde(),
        grouped.valueSerde() != null ? grouped.valueSerde() : valueSerde, true);
  }

  /**
   * Inner stream–table join: each stream record with a key present in the table is joined with the
   * table's current value; others are dropped. Stateful (reads the table's store); repartitions the
   * stream if its key changed; stream and table must be co-partitioned.
   */
  public <VT, VR> KStream<K, VR> join(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return join(table, joiner, Joined.with(keySerde, valueSerde, table.valueSerde));
  }

  /** {@link #join(KTable, ValueJoiner)} with serdes for the repartition. */
  public <VT, VR> KStream<K, VR> join(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner, Joined<K, V, VT> joined) {
    return tableJoin(table, joiner, joined, false);
  }

  /** Left stream–table join: every stream record is emitted, joined with null when the table has no value. */
  public <VT, VR> KStream<K, VR> leftJoin(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return leftJoin(table, joiner, Joined.with(keySerde, valueSerde, table.valueSerde));
  }

  /** {@link #leftJoin(KTable, ValueJoiner)} with serdes for the repartition. */
  public <VT, VR> KStream<K, VR> leftJoin(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
      Joined<K, V, VT> joined) {
    return tableJoin(table, joiner, joined, true);
  }

  private <VT, VR> KStream<K, VR> tableJoin(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner,
      Joined<K, V, VT> joined, boolean left) {
    Objects.requireNonNull(joiner, "joiner");
    Serde<K> ks = joined.keySerde() != null ? joined.keySerde() : keySerde;
    Serde<V> vs = joined.valueSerde() != null ? joined.valueSerde() : valueSerde;
    KStream<K, V> input = repartitionedIfRequired(joined.name() != null ? joined.name() : graph().newName("KSTREAM-JOIN"), ks, vs);
    String name = graph().newName(left ? "KSTREAM-LEFTJOIN" : "KSTREAM-JOIN");
    graph().addProcessor(name, Joins.streamTable(table.getter, joiner, left), input.node);
    table.getter.stores().forEach(s -> graph().connect(s, name));
    return new KStream<>(builder, name, ks, null, false);
  }

  /**
   * Inner stream–globalTable join: {@code keySelector} maps each record to a key of the global
   * table (a full copy on every instance); no repartitioning, no co-partitioning needed.
   */
  public <GK, GV, VR> KStream<K, VR> join(GlobalKTable<GK, GV> table, KeyValueMapper<? super K, ? super V, ? extends GK> keySelector,
      ValueJoiner<? super V, ? super GV, ? extends VR> joiner) {
    return globalJoin(table, keySelector, joiner, false);
  }

  /** Left stream–globalTable join: every record is emitted, joined with null when the global table has no value. */
  public <GK, GV, VR> KStream<K, VR> leftJoin(GlobalKTable<GK, GV> table, KeyValueMapper<? super K, ? super V, ? extends GK> keySelector,
      ValueJoiner<? super V, ? super GV, ? extends VR> joiner) {
    return globalJoin(table, keySelector, joiner, true);
  }

  private <GK, GV, VR> KStream<K, VR> globalJoin(GlobalKTable<GK, GV> table, KeyValueMapper<? super K, ? super V, ? extends GK> keySelector,
      ValueJoiner<? super V, ? super GV, ? extends VR> joiner, boolean left) {
    Objects.requireNonNull(keySelector, "keySelector");
    Objects.requireNonNull(joiner, "joiner");
    return add(left ? "KSTREAM-LEFTJOIN" : "KSTREAM-JOIN", Joins.streamGlobal(table.storeName(), keySelector, joiner, left),
        keySerde, null, false);
  }

  /**
   * Inner stream–stream join: records of the two streams with the same key whose timestamps lie
   * within {@code windows} of each other are joined (the result has the later timestamp). Stateful
   * (both sides are kept in window stores for the window plus grace); repartitions either side
   * whose key changed; the two streams must be co-partitioned.
   */
  public <VO, VR> KStream<K, VR> join(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return join(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /** {@link #join(KStream, ValueJoiner, JoinWindows)} with serdes and store names. */
  public <VO, VR> KStream<K, VR> join(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows,
      StreamJoined<K, V, VO> streamJoined) {
    return streamJoin(other, joiner, windows, streamJoined, false, false);
  }

  /**
   * Left stream–stream join: as {@link #join(KStream, ValueJoiner, JoinWindows)}, and each record
   * of this stream that found no partner is emitted with null once its window (plus grace) closed.
   */
  public <VO, VR> KStream<K, VR> leftJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return leftJoin(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /** {@link #leftJoin(KStream, ValueJoiner, JoinWindows)} with serdes and store names. */
  public <VO, VR> KStream<K, VR> leftJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows,
      StreamJoined<K, V, VO> streamJoined) {
    return streamJoin(other, joiner, windows, streamJoined, true, false);
  }

  /** Outer stream–stream join: records of either side that found no partner are emitted with null once their window closed. */
  public <VO, VR> KStream<K, VR> outerJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return outerJoin(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /** {@link #outerJoin(KStream, ValueJoiner, JoinWindows)} with serdes and store names. */
  public <VO, VR> KStream<K, VR> outerJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows,
      StreamJoined<K, V, VO> streamJoined) {
    return streamJoin(other, joiner, windows, streamJoined, true, true);
  }

  private <VO, VR> KStream<K, VR> streamJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      JoinWindows windows, StreamJoined<K, V, VO> sj, boolean leftOuter, boolean rightOuter) {
    Objects.requireNonNull(joiner, "joiner");
    Objects.requireNonNull(windows, "windows");
    Serde<K> ks = sj.keySerde() != null ? sj.keySerde() : keySerde != null ? keySerde : other.keySerde;
    Serde<V> vs = sj.valueSerde() != null ? sj.valueSerde() : valueSerde;
    Serde<VO> os = sj.otherValueSerde() != null ? sj.otherValueSerde() : other.valueSerde;
    String prefix = sj.storeName() != null ? sj.storeName() : graph().newName(rightOuter ? "KSTREAM-OUTERJOIN" : leftOuter ? "KSTREAM-LEFTJOIN" : "KSTREAM-JOIN");
    KStream<K, V> left = repartitionedIfRequired(prefix + "-left", ks, vs);
    KStream<K, VO> right = other.repartitionedIfRequired(prefix + "-right", ks, os);
    String mergeName = Joins.streamStream(graph(), prefix, left.node, right.node, ks, vs, os, joiner, windows, leftOuter, rightOuter);
    return new KStream<>(builder, mergeName, ks, null, false);
  }

  /**
   * Runs a custom {@link Processor} on every record, with access to the named state stores (added
   * with {@link StreamsBuilder#addStateStore}); it forwards what it wants downstream. Stateful if it
   * uses stores; repartitions first if the key changed and it uses stores.
   */
  public <KOut, VOut> KStream<KOut, VOut> process(ProcessorSupplier<? super K, ? super V, KOut, VOut> supplier, String... stateStoreNames) {
    Objects.requireNonNull(supplier, "supplier");
    String name = graph().newName("KSTREAM-PROCESSOR");
    KStream<K, V> input = stateStoreNames.length > 0 ? repartitionedIfRequired(name, keySerde, valueSerde) : this;
    graph().addProcessor(name, supplier, input.node);
    for (String s : stateStoreNames) {
      graph().connect(s, name);
    }
    return new KStream<>(builder, name, null, null, repartitionRequired && stateStoreNames.length == 0);
  }
}
