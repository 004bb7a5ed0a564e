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

  /**
   * Keeps the records that satisfy {@code predicate} and drops the others. Stateless; does not
   * repartition.
   *
   * <pre>{@code
   * KStream<String, Order> large = orders.filter((id, order) -> order.total() > 100);
   * }</pre>
   *
   * @param predicate decides, per key and value, whether the record is kept
   * @return a stream of the records kept
   * @throws NullPointerException if {@code predicate} is null
   * @see #filterNot(Predicate)
   * @see #split()
   */
  public KStream<K, V> filter(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return add("KSTREAM-FILTER", (r, c) -> {
      if (predicate.test(r.key(), r.value())) {
        c.forward(r);
      }
    }, keySerde, valueSerde, false);
  }

  /**
   * Drops the records that satisfy {@code predicate} and keeps the others. Stateless; does not
   * repartition.
   *
   * <pre>{@code
   * KStream<String, Order> real = orders.filterNot((id, order) -> order.isTest());
   * }</pre>
   *
   * @param predicate decides, per key and value, whether the record is dropped
   * @return a stream of the records kept
   * @throws NullPointerException if {@code predicate} is null
   * @see #filter(Predicate)
   */
  public KStream<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return filter((k, v) -> !predicate.test(k, v));
  }

  /**
   * Replaces each record's key and value by the pair {@code mapper} returns (one output record per
   * input record, same timestamp and headers). Stateless; since the key may change, the stream is
   * marked for repartitioning: a later stateful operator (aggregation, join) first sends it through a
   * repartition topic. Prefer {@link #mapValues} when the key stays.
   *
   * <pre>{@code
   * KStream<String, Long> amountsByCustomer = orders.map((id, o) -> KeyValue.pair(o.customerId(), o.total()));
   * }</pre>
   *
   * @param mapper key and value → the new key and value
   * @param <KR> the new key type
   * @param <VR> the new value type
   * @return a stream of the mapped records
   * @throws NullPointerException if {@code mapper} is null
   * @see #mapValues(ValueMapper)
   * @see #selectKey(KeyValueMapper)
   * @see #flatMap(KeyValueMapper)
   */
  public <KR, VR> KStream<KR, VR> map(KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAP", (r, c) -> {
      KeyValue<? extends KR, ? extends VR> kv = mapper.apply(r.key(), r.value());
      c.forward(new Record<KR, VR>(kv.key(), kv.value(), r.timestamp(), r.headers()));
    }, null, null, true);
  }

  /**
   * Replaces each value by what {@code mapper} returns; the key is unchanged. Stateless; does not
   * repartition (and does not mark the stream for repartitioning).
   *
   * <pre>{@code
   * KStream<String, String> upper = lines.mapValues(line -> line.toUpperCase());
   * }</pre>
   *
   * @param mapper value → new value
   * @param <VR> the new value type
   * @return a stream of the mapped records
   * @throws NullPointerException if {@code mapper} is null
   * @see #mapValues(ValueMapperWithKey)
   * @see #map(KeyValueMapper)
   */
  public <VR> KStream<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAPVALUES", (r, c) -> c.forward(r.withValue(mapper.apply(r.value()))), keySerde, null, false);
  }

  /**
   * Replaces each value by what {@code mapper} returns, seeing the key (which it must not change).
   * Stateless; does not repartition.
   *
   * <pre>{@code
   * KStream<String, String> tagged = lines.mapValues((key, line) -> key + ": " + line);
   * }</pre>
   *
   * @param mapper key and value → new value
   * @param <VR> the new value type
   * @return a stream of the mapped records
   * @throws NullPointerException if {@code mapper} is null
   * @see #mapValues(ValueMapper)
   */
  public <VR> KStream<K, VR> mapValues(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-MAPVALUES", (r, c) -> c.forward(r.withValue(mapper.apply(r.key(), r.value()))), keySerde, null, false);
  }

  /**
   * Replaces each record by zero or more records, each with its own key and value. Stateless; marks
   * the stream for repartitioning (the keys may change).
   *
   * <pre>{@code
   * KStream<String, Integer> perItem = orders.flatMap((id, o) ->
   *     o.items().stream().map(item -> KeyValue.pair(item.sku(), item.qty())).toList());
   * }</pre>
   *
   * @param mapper key and value → the records to emit (may be empty)
   * @param <KR> the new key type
   * @param <VR> the new value type
   * @return a stream of all the records emitted
   * @throws NullPointerException if {@code mapper} is null
   * @see #flatMapValues(ValueMapper)
   * @see #map(KeyValueMapper)
   */
  public <KR, VR> KStream<KR, VR> flatMap(
      KeyValueMapper<? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-FLATMAP", (r, c) -> {
      for (KeyValue<? extends KR, ? extends VR> kv : mapper.apply(r.key(), r.value())) {
        c.forward(new Record<KR, VR>(kv.key(), kv.value(), r.timestamp(), r.headers()));
      }
    }, null, null, true);
  }

  /**
   * Replaces each value by zero or more values, each emitted with the record's key. Stateless; does not
   * repartition.
   *
   * <pre>{@code
   * KStream<String, String> words = lines.flatMapValues(line -> List.of(line.split("\\s+")));
   * }</pre>
   *
   * @param mapper value → the values to emit (may be empty)
   * @param <VR> the new value type
   * @return a stream of all the records emitted
   * @throws NullPointerException if {@code mapper} is null
   * @see #flatMap(KeyValueMapper)
   */
  public <VR> KStream<K, VR> flatMapValues(ValueMapper<? super V, ? extends Iterable<? extends VR>> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-FLATMAPVALUES", (r, c) -> {
      for (VR v : mapper.apply(r.value())) {
        c.forward(r.withValue(v));
      }
    }, keySerde, null, false);
  }

  /**
   * Sets a new key computed from each record, the value unchanged. Stateless; marks the stream for
   * repartitioning: a later stateful operator sends it through a repartition topic first.
   *
   * <pre>{@code
   * KStream<String, Order> byCustomer = orders.selectKey((orderId, order) -> order.customerId());
   * }</pre>
   *
   * @param mapper key and value → the new key
   * @param <KR> the new key type
   * @return a stream of the re-keyed records
   * @throws NullPointerException if {@code mapper} is null
   * @see #map(KeyValueMapper)
   * @see #groupBy(KeyValueMapper)
   */
  public <KR> KStream<KR, V> selectKey(KeyValueMapper<? super K, ? super V, ? extends KR> mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return add("KSTREAM-KEY-SELECT", (r, c) -> c.forward(r.withKey(mapper.apply(r.key(), r.value()))), null, valueSerde, true);
  }

  /**
   * Calls {@code action} for each record and passes the record on unchanged (logging, metrics).
   * Stateless; does not repartition. Side effects are not rolled back: after a failure a record may be
   * processed, and {@code action} called, again.
   *
   * <pre>{@code
   * orders.peek((id, o) -> log.info("order {}", id)).to("orders-seen");
   * }</pre>
   *
   * @param action called with each key and value
   * @return this stream's records, unchanged
   * @throws NullPointerException if {@code action} is null
   * @see #foreach(ForeachAction)
   */
  public KStream<K, V> peek(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    return add("KSTREAM-PEEK", (r, c) -> {
      action.apply(r.key(), r.value());
      c.forward(r);
    }, keySerde, valueSerde, false);
  }

  /**
   * Calls {@code action} for each record; a terminal operation (nothing downstream). Stateless.
   *
   * <pre>{@code
   * alerts.foreach((id, alert) -> pager.send(alert));
   * }</pre>
   *
   * @param action called with each key and value
   * @throws NullPointerException if {@code action} is null
   * @see #peek(ForeachAction)
   */
  public void foreach(ForeachAction<? super K, ? super V> action) {
    Objects.requireNonNull(action, "action");
    add("KSTREAM-FOREACH", (r, c) -> action.apply(r.key(), r.value()), keySerde, valueSerde, false);
  }

  /**
   * The records of this stream and of {@code other} as one stream, interleaved as they are processed
   * (no ordering between the two). Stateless; the result needs repartitioning if either input does.
   *
   * <pre>{@code
   * KStream<String, Event> all = webEvents.merge(mobileEvents);
   * }</pre>
   *
   * @param other the stream to merge in (same key and value types)
   * @return the merged stream
   * @throws NullPointerException if {@code other} is null
   * @see #split()
   */
  public KStream<K, V> merge(KStream<K, V> other) {
    Objects.requireNonNull(other, "other");
    String name = graph().newName("KSTREAM-MERGE");
    graph().addProcessor(name, Lambda.processor((r, c) -> c.forward(r)), node, other.node);
    return new KStream<>(builder, name, keySerde, valueSerde, repartitionRequired || other.repartitionRequired);
  }

  /**
   * Splits the stream into branches by predicates ({@link BranchedKStream#branch}); each record goes
   * to the first branch whose predicate it satisfies, or to the default branch, or is dropped.
   * Stateless; does not repartition.
   *
   * <pre>{@code
   * Map<String, KStream<String, Order>> branches = orders.split("orders-")
   *     .branch((id, o) -> o.total() > 1000, Branched.as("large"))
   *     .defaultBranch(Branched.as("other"));
   * }</pre>
   *
   * @return the branching object, to add branches to
   * @see #split(String)
   * @see #filter(Predicate)
   */
  public BranchedKStream<K, V> split() {
    return split("");
  }

  /**
   * {@link #split()}, the branches' names (keys of the returned map) starting with {@code prefix}.
   * Stateless.
   *
   * <pre>{@code
   * Map<String, KStream<String, Order>> b = orders.split("orders-").branch((id, o) -> o.paid(), Branched.as("paid")).noDefaultBranch();
   * KStream<String, Order> paid = b.get("orders-paid");
   * }</pre>
   *
   * @param prefix the prefix of the branch names (null: none)
   * @return the branching object, to add branches to
   * @see #split()
   */
  public BranchedKStream<K, V> split(String prefix) {
    return new BranchedKStream<>(this, prefix == null ? "" : prefix);
  }

  /**
   * Writes the stream to an internal topic, {@code <application.id>-<name>-repartition}, partitioned
   * by the current key, and reads it back; later operators then run in a new sub-topology, and a key
   * is processed by the task of its partition. Repartitions (always); records with a null key are
   * dropped there. The topic gets the partition count of the input.
   *
   * <pre>{@code
   * KStream<String, Order> byCustomer = orders.selectKey((id, o) -> o.customerId()).repartition();
   * }</pre>
   *
   * @return the stream read back from the repartition topic
   * @see #repartition(Repartitioned)
   */
  public KStream<K, V> repartition() {
    return repartition(new Repartitioned<>(null, null, null, null));
  }

  /**
   * {@link #repartition()} with serdes, a topic name and a partition count.
   *
   * <pre>{@code
   * orders.repartition(Repartitioned.<String, Order>as("by-customer").withNumberOfPartitions(8));
   * }</pre>
   *
   * @param repartitioned serdes (null: this stream's, or the defaults), name and partition count
   * @return the stream read back from the repartition topic
   * @throws NullPointerException if {@code repartitioned} is null
   */
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

  /**
   * Writes every record to {@code topic} with this stream's serdes (or the defaults), partitioned by
   * key as Kafka's producer does. A terminal operation; at-least-once (see {@link CourantStreams}).
   *
   * <pre>{@code
   * upper.to("upper-lines");
   * }</pre>
   *
   * @param topic the output topic (it must exist when the application starts)
   * @throws NullPointerException if {@code topic} is null
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name
   * @see #to(String, Produced)
   * @see #to(TopicNameExtractor)
   */
  public void to(String topic) {
    to(topic, Produced.with(keySerde, valueSerde));
  }

  /**
   * Writes every record to {@code topic} with the serdes of {@code produced}. A terminal operation.
   *
   * <pre>{@code
   * counts.toStream().to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
   * }</pre>
   *
   * @param topic the output topic
   * @param produced the key and value serdes (null ones: this stream's, or the defaults) and a name
   * @throws NullPointerException if {@code topic} is null
   * @throws IllegalArgumentException if {@code topic} is not a valid topic name
   */
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

  /**
   * Writes each record to the topic {@code extractor} chooses for it (dynamic routing). A terminal
   * operation.
   *
   * <pre>{@code
   * events.to((key, event, ctx) -> "events-" + event.type());
   * }</pre>
   *
   * @param extractor key, value and record context → the topic name
   * @throws NullPointerException if {@code extractor} is null
   * @throws IllegalStateException (while processing) if the extractor returns no topic
   * @see #to(String)
   */
  public void to(TopicNameExtractor<K, V> extractor) {
    to(extractor, Produced.with(keySerde, valueSerde));
  }

  /**
   * {@link #to(TopicNameExtractor)} with the serdes of {@code produced}.
   *
   * @param extractor key, value and record context → the topic name
   * @param produced the key and value serdes and a name
   * @throws NullPointerException if {@code extractor} is null
   */
  public void to(TopicNameExtractor<K, V> extractor, Produced<K, V> produced) {
    Objects.requireNonNull(extractor, "extractor");
    String name = produced.name() != null ? produced.name() : graph().newName("KSTREAM-SINK");
    graph().addSink(name, null, extractor, false, produced.keySerde() != null ? produced.keySerde() : keySerde,
        produced.valueSerde() != null ? produced.valueSerde() : valueSerde, null, node);
  }

  /**
   * The stream as a table: the latest value per key, a null value deleting the key; records with a
   * null key are dropped. Stateful (a key-value store, event-sourced with the input offsets);
   * repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<String, Customer> latest = customerUpdates.toTable();
   * }</pre>
   *
   * @return the table
   * @see #toTable(Materialized)
   * @see StreamsBuilder#table(String)
   */
  public KTable<K, V> toTable() {
    return toTable(Materialized.with(keySerde, valueSerde));
  }

  /**
   * {@link #toTable()} into a named, queryable store ({@link CourantStreams#keyValueStore}).
   *
   * <pre>{@code
   * KTable<String, Customer> latest = customerUpdates.toTable(Materialized.as("customers"));
   * }</pre>
   *
   * @param materialized the store's name and serdes
   * @return the table
   * @throws NullPointerException if {@code materialized} is null
   */
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

  /**
   * Groups the records by their current key, for an aggregation ({@link KGroupedStream#count},
   * {@link KGroupedStream#reduce}, {@link KGroupedStream#aggregate}, windowed ones). Stateless here;
   * the aggregation is stateful, and repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<String, Long> clicksPerUser = clicks.groupByKey().count();
   * }</pre>
   *
   * @return the grouped stream
   * @see #groupByKey(Grouped)
   * @see #groupBy(KeyValueMapper)
   */
  public KGroupedStream<K, V> groupByKey() {
    return groupByKey(new Grouped<>(null, null, null));
  }

  /**
   * {@link #groupByKey()} with serdes (for the repartition topic, if one is needed) and the
   * repartition topic's name.
   *
   * @param grouped serdes (null: this stream's, or the defaults) and a name
   * @return the grouped stream
   * @throws NullPointerException if {@code grouped} is null
   */
  public KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
    return new KGroupedStream<>(this, grouped.name(), grouped.keySerde() != null ? grouped.keySerde() : keySerde,
        grouped.valueSerde() != null ? grouped.valueSerde() : valueSerde, repartitionRequired);
  }

  /**
   * Groups the records by a new key computed from each record, for an aggregation. Stateless here;
   * the aggregation always repartitions (through {@code <application.id>-<name>-repartition}) and
   * drops records whose new key is null.
   *
   * <pre>{@code
   * KTable<String, Long> wordCounts = words.groupBy((lineId, word) -> word).count();
   * }</pre>
   *
   * @param keySelector key and value → the group key
   * @param <KR> the group key type
   * @return the grouped stream
   * @throws NullPointerException if {@code keySelector} is null
   * @see #groupBy(KeyValueMapper, Grouped)
   * @see #groupByKey()
   * @see KTable#groupBy(KeyValueMapper)
   */
  public <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector) {
    return groupBy(keySelector, new Grouped<>(null, null, null));
  }

  /**
   * {@link #groupBy(KeyValueMapper)} with the serdes of the new key and value (for the repartition
   * topic) and the repartition topic's name.
   *
   * @param keySelector key and value → the group key
   * @param grouped serdes (a null value serde: this stream's) and a name
   * @param <KR> the group key type
   * @return the grouped stream
   * @throws NullPointerException if an argument is null
   */
  public <KR> KGroupedStream<KR, V> groupBy(KeyValueMapper<? super K, ? super V, KR> keySelector, Grouped<KR, V> grouped) {
    KStream<KR, V> selected = selectKey(keySelector);
    return new KGroupedStream<>(selected, grouped.name(), grouped.keySerde(),
        grouped.valueSerde() != null ? grouped.valueSerde() : valueSerde, true);
  }

  /**
   * Inner stream–table join: each stream record whose key the table holds is joined with the
   * table's current value (the table's later updates do not emit anything); the others are not
   * emitted. Records with a null key or value are dropped (and counted). Stateful (reads the table's
   * store); repartitions the stream first if its key changed; stream and table must be
   * co-partitioned (same partition count and key partitioning).
   *
   * <pre>{@code
   * KStream<String, EnrichedOrder> enriched = ordersByCustomer.join(customers, (order, customer) -> new EnrichedOrder(order, customer));
   * }</pre>
   *
   * @param table the table to look keys up in
   * @param joiner stream value and table value → the result value
   * @param <VT> the table's value type
   * @param <VR> the result type
   * @return a stream of the joined records, with the stream record's key and timestamp
   * @throws NullPointerException if {@code table} or {@code joiner} is null
   * @see #leftJoin(KTable, ValueJoiner)
   * @see #join(GlobalKTable, KeyValueMapper, ValueJoiner)
   */
  public <VT, VR> KStream<K, VR> join(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return join(table, joiner, Joined.with(keySerde, valueSerde, table.valueSerde));
  }

  /**
   * {@link #join(KTable, ValueJoiner)} with the serdes (and name) of the repartition topic used when
   * the stream's key changed.
   *
   * @param table the table to look keys up in
   * @param joiner stream value and table value → the result value
   * @param joined key, stream-value and table-value serdes, and a name
   * @param <VT> the table's value type
   * @param <VR> the result type
   * @return a stream of the joined records
   * @throws NullPointerException if an argument is null
   */
  public <VT, VR> KStream<K, VR> join(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner, Joined<K, V, VT> joined) {
    return tableJoin(table, joiner, joined, false);
  }

  /**
   * Left stream–table join: every stream record is emitted, joined with the table's current value,
   * or with null when the table has none. A record with a null key is joined with null (Kafka
   * Streams ≥ 3.7); a null value is dropped. Stateful; repartitions the stream first if its key
   * changed (a null key is then dropped by the repartition); co-partitioned as {@link #join(KTable,
   * ValueJoiner)}.
   *
   * <pre>{@code
   * KStream<String, String> described = orders.leftJoin(customers, (o, c) -> o + " by " + (c == null ? "unknown" : c.name()));
   * }</pre>
   *
   * @param table the table to look keys up in
   * @param joiner stream value and table value (null when absent) → the result value
   * @param <VT> the table's value type
   * @param <VR> the result type
   * @return a stream with one joined record per stream record
   * @throws NullPointerException if {@code table} or {@code joiner} is null
   * @see #join(KTable, ValueJoiner)
   */
  public <VT, VR> KStream<K, VR> leftJoin(KTable<K, VT> table, ValueJoiner<? super V, ? super VT, ? extends VR> joiner) {
    return leftJoin(table, joiner, Joined.with(keySerde, valueSerde, table.valueSerde));
  }

  /**
   * {@link #leftJoin(KTable, ValueJoiner)} with the serdes (and name) of the repartition topic.
   *
   * @param table the table to look keys up in
   * @param joiner stream value and table value (null when absent) → the result value
   * @param joined key, stream-value and table-value serdes, and a name
   * @param <VT> the table's value type
   * @param <VR> the result type
   * @return a stream with one joined record per stream record
   * @throws NullPointerException if an argument is null
   */
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
   * table (a full copy on every instance), whose value it is joined with; records whose key has no
   * value, or that the selector maps to null, are not emitted (the latter counted as dropped); null
   * values are dropped. Stateful (reads the global store); never repartitions and needs no
   * co-partitioning.
   *
   * <pre>{@code
   * KStream<String, String> named = orders.join(products, (orderId, o) -> o.productId(), (o, p) -> o.qty() + " x " + p.name());
   * }</pre>
   *
   * @param table the global table
   * @param keySelector stream key and value → the global table's key
   * @param joiner stream value and table value → the result value
   * @param <GK> the global table's key type
   * @param <GV> the global table's value type
   * @param <VR> the result type
   * @return a stream of the joined records, with the stream record's key
   * @throws NullPointerException if {@code keySelector} or {@code joiner} is null
   * @see #leftJoin(GlobalKTable, KeyValueMapper, ValueJoiner)
   * @see #join(KTable, ValueJoiner)
   */
  public <GK, GV, VR> KStream<K, VR> join(GlobalKTable<GK, GV> table, KeyValueMapper<? super K, ? super V, ? extends GK> keySelector,
      ValueJoiner<? super V, ? super GV, ? extends VR> joiner) {
    return globalJoin(table, keySelector, joiner, false);
  }

  /**
   * Left stream–globalTable join: every record with a value is emitted, joined with the global
   * table's value, or with null when it has none or the selector maps the record to null. Stateful;
   * never repartitions.
   *
   * <pre>{@code
   * KStream<String, String> named = orders.leftJoin(products, (id, o) -> o.productId(), (o, p) -> p == null ? "?" : p.name());
   * }</pre>
   *
   * @param table the global table
   * @param keySelector stream key and value → the global table's key
   * @param joiner stream value and table value (null when absent) → the result value
   * @param <GK> the global table's key type
   * @param <GV> the global table's value type
   * @param <VR> the result type
   * @return a stream with one joined record per stream record
   * @throws NullPointerException if {@code keySelector} or {@code joiner} is null
   * @see #join(GlobalKTable, KeyValueMapper, ValueJoiner)
   */
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
   * Inner stream–stream join: every pair of records of the two streams with the same key whose
   * timestamps are within {@code windows} of each other is joined (the result has the later
   * timestamp), whichever side arrives first. Records with a null key or value are dropped; a record
   * older than stream time minus window and grace is late, dropped and counted. Stateful (both sides
   * are kept in window stores for the window plus grace); repartitions either side whose key
   * changed; the two streams must be co-partitioned.
   *
   * <pre>{@code
   * KStream<String, String> clickAfterView = views.join(clicks, (view, click) -> view + "->" + click,
   *     JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(5), Duration.ofSeconds(30)));
   * }</pre>
   *
   * @param other the other stream
   * @param joiner this value and the other value → the result value
   * @param windows how far apart (before / after) the two timestamps may be, and the grace
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs
   * @throws NullPointerException if an argument is null
   * @see #leftJoin(KStream, ValueJoiner, JoinWindows)
   * @see #outerJoin(KStream, ValueJoiner, JoinWindows)
   */
  public <VO, VR> KStream<K, VR> join(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return join(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /**
   * {@link #join(KStream, ValueJoiner, JoinWindows)} with serdes and store names.
   *
   * @param other the other stream
   * @param joiner this value and the other value → the result value
   * @param windows the join windows
   * @param streamJoined key and value serdes, store name and repartition names
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs
   * @throws NullPointerException if an argument is null
   */
  public <VO, VR> KStream<K, VR> join(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows,
      StreamJoined<K, V, VO> streamJoined) {
    return streamJoin(other, joiner, windows, streamJoined, false, false);
  }

  /**
   * Left stream–stream join: as {@link #join(KStream, ValueJoiner, JoinWindows)}, and each record of
   * this stream that found no partner is emitted joined with null once stream time passes its
   * timestamp + window after + grace (no spurious early results; an out-of-order record whose window
   * is already behind stream time is emitted at once). A record of this stream with a null key is
   * emitted at once joined with null (Kafka Streams ≥ 3.7). Stateful; repartitions either side whose
   * key changed.
   *
   * <pre>{@code
   * KStream<String, String> viewsWithClicks = views.leftJoin(clicks, (view, click) -> view + "->" + click,
   *     JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(5), Duration.ZERO));
   * }</pre>
   *
   * @param other the other stream
   * @param joiner this value and the other value (null when unmatched) → the result value
   * @param windows the join windows
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs and the unmatched records of this stream
   * @throws NullPointerException if an argument is null
   * @see #outerJoin(KStream, ValueJoiner, JoinWindows)
   */
  public <VO, VR> KStream<K, VR> leftJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return leftJoin(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /**
   * {@link #leftJoin(KStream, ValueJoiner, JoinWindows)} with serdes and store names.
   *
   * @param other the other stream
   * @param joiner this value and the other value (null when unmatched) → the result value
   * @param windows the join windows
   * @param streamJoined key and value serdes, store name and repartition names
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs and the unmatched records of this stream
   * @throws NullPointerException if an argument is null
   */
  public <VO, VR> KStream<K, VR> leftJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows,
      StreamJoined<K, V, VO> streamJoined) {
    return streamJoin(other, joiner, windows, streamJoined, true, false);
  }

  /**
   * Outer stream–stream join: as {@link #join(KStream, ValueJoiner, JoinWindows)}, and the records
   * of either side that found no partner are emitted joined with null once their window (plus
   * grace) is behind stream time; null-key records of either side are emitted at once joined with
   * null. Stateful; repartitions either side whose key changed.
   *
   * <pre>{@code
   * KStream<String, String> either = left.outerJoin(right, (l, r) -> l + "/" + r, JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofSeconds(10)));
   * }</pre>
   *
   * @param other the other stream
   * @param joiner this value (null when unmatched) and the other value (null when unmatched) → the result value
   * @param windows the join windows
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs and the unmatched records of both sides
   * @throws NullPointerException if an argument is null
   * @see #leftJoin(KStream, ValueJoiner, JoinWindows)
   */
  public <VO, VR> KStream<K, VR> outerJoin(KStream<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, JoinWindows windows) {
    return outerJoin(other, joiner, windows, StreamJoined.with(keySerde, valueSerde, other.valueSerde));
  }

  /**
   * {@link #outerJoin(KStream, ValueJoiner, JoinWindows)} with serdes and store names.
   *
   * @param other the other stream
   * @param joiner this value and the other value (either null when unmatched) → the result value
   * @param windows the join windows
   * @param streamJoined key and value serdes, store name and repartition names
   * @param <VO> the other stream's value type
   * @param <VR> the result type
   * @return a stream of the joined pairs and the unmatched records of both sides
   * @throws NullPointerException if an argument is null
   */
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
   * Runs a custom {@link Processor} on every record (Kafka's processor API), with access to the
   * named state stores (added with {@link StreamsBuilder#addStateStore}); it forwards what it wants
   * downstream, and may schedule punctuations. Stateful if it uses stores (their changes are
   * event-sourced with the input offsets); repartitions first if the key changed and it uses stores.
   *
   * <pre>{@code
   * builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
   * KStream<String, Event> firstOnly = events.process(() -> new Processor<String, Event, String, Event>() {
   *   private ProcessorContext<String, Event> context;
   *   private KeyValueStore<String, Long> seen;
   *   public void init(ProcessorContext<String, Event> context) { this.context = context; seen = context.getStateStore("seen"); }
   *   public void process(Record<String, Event> r) { if (seen.putIfAbsent(r.key(), r.timestamp()) == null) context.forward(r); }
   * }, "seen");
   * }</pre>
   *
   * @param supplier makes one processor per task
   * @param stateStoreNames the stores the processor reads and writes
   * @param <KOut> the output key type
   * @param <VOut> the output value type
   * @return a stream of what the processor forwards
   * @throws NullPointerException if {@code supplier} is null
   * @throws IllegalArgumentException if a named store was not added to the topology
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
