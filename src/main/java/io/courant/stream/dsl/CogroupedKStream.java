package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.Lambda;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several grouped streams aggregated into one table ({@link KGroupedStream#cogroup}), as Kafka
 * Streams' {@code CogroupedKStream}: each input has its own aggregator (and its own value type),
 * all update the same aggregate per key, in one store. Cheaper and simpler than aggregating each
 * stream and joining the tables. Stateful; inputs whose key changed upstream are repartitioned
 * first; all inputs must be co-partitioned (same partition count, same key). Records with a null
 * key or value are dropped and counted.
 *
 * <pre>{@code
 * KTable<String, Totals> totals = orders.groupByKey().cogroup(Totals::addOrder)
 *     .cogroup(refunds.groupByKey(), Totals::addRefund)
 *     .aggregate(Totals::new, Materialized.with(Serdes.String(), Serdes.Json(Totals.class)));
 * }</pre>
 *
 * @param <K> the key type
 * @param <VOut> the aggregate type
 * @see KGroupedStream#cogroup(Aggregator)
 * @see TimeWindowedCogroupedKStream
 * @see SessionWindowedCogroupedKStream
 */
public final class CogroupedKStream<K, VOut> {
  /** One input: a grouped stream and the aggregator that folds its values into the aggregate. */
  record Input<K, VOut>(KGroupedStream<K, ?> grouped, Aggregator<? super K, ?, VOut> aggregator) {}

  /** Makes the processor of input {@code index} of a cogroup. */
  @FunctionalInterface
  interface ProcessorFor<K, VOut> {
    ProcessorSupplier<?, ?, ?, ?> of(int index, Input<K, VOut> input);
  }

  private final StreamsBuilder builder;
  private final List<Input<K, VOut>> inputs = new ArrayList<>();

  CogroupedKStream(StreamsBuilder builder) {
    this.builder = builder;
  }

  /**
   * Adds a grouped stream with its aggregator. Stateless here (the aggregation is stateful).
   *
   * <pre>{@code
   * cogrouped.cogroup(refunds.groupByKey(), (customer, refund, totals) -> totals.minus(refund));
   * }</pre>
   *
   * @param grouped the grouped stream (same key type; co-partitioned with the others)
   * @param aggregator key, a value of {@code grouped} and the aggregate → the new aggregate
   * @param <V> the value type of {@code grouped}
   * @return this cogrouped stream
   * @throws NullPointerException if an argument is null
   */
  public <V> CogroupedKStream<K, VOut> cogroup(KGroupedStream<K, V> grouped, Aggregator<? super K, ? super V, VOut> aggregator) {
    inputs.add(new Input<>(Objects.requireNonNull(grouped, "grouped"), Objects.requireNonNull(aggregator, "aggregator")));
    return this;
  }

  /**
   * The aggregate per key, starting from {@code initializer}: each record is folded in by its own
   * input's aggregator. Stateful; repartitions the inputs whose key changed.
   *
   * @param initializer the aggregate of a key before its first record
   * @return a table of the aggregate per key (its serde is the default value serde: give one with
   *     {@link #aggregate(Initializer, Materialized)})
   * @throws NullPointerException if {@code initializer} is null
   */
  public KTable<K, VOut> aggregate(Initializer<VOut> initializer) {
    return aggregate(initializer, Materialized.with(keySerde(), null));
  }

  /**
   * {@link #aggregate(Initializer)} into a named, queryable store ({@link CourantStreams#keyValueStore}).
   *
   * @param initializer the aggregate of a key before its first record
   * @param materialized the store's name and serdes (give the aggregate's value serde)
   * @return a table of the aggregate per key
   * @throws NullPointerException if an argument is null
   */
  public KTable<K, VOut> aggregate(Initializer<VOut> initializer, Materialized<K, VOut> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(materialized, "materialized");
    var graph = builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("COGROUPKSTREAM-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : keySerde();
    String[] parents = wire(store, (i, in) -> Aggregations.perKey(store, folding(in, initializer)));
    graph.addStore(StoreSpec.keyValue(store, ks, materialized.valueSerde()), parents);
    return new KTable<>(builder, merge(parents), ks, materialized.valueSerde(), ValueGetterSupplier.ofStore(store),
        materialized.storeName(), null);
  }

  /**
   * Aggregations per key and fixed (tumbling or hopping) time window, as {@link
   * KGroupedStream#windowedBy(TimeWindows)}. Stateful (a window store); repartitions the inputs
   * whose key changed.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> perMinute = clicks.groupByKey().<Long>cogroup((k, v, n) -> n + 1)
   *     .cogroup(views.groupByKey(), (k, v, n) -> n + 1)
   *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
   *     .aggregate(() -> 0L, Materialized.<String, Long>as("events-per-minute").withValueSerde(Serdes.Long()));
   * }</pre>
   *
   * @param windows the windows, with their grace
   * @return the windowed cogrouped stream
   * @throws NullPointerException if {@code windows} is null
   * @see #windowedBy(SlidingWindows)
   * @see #windowedBy(SessionWindows)
   */
  public TimeWindowedCogroupedKStream<K, VOut> windowedBy(TimeWindows windows) {
    return new TimeWindowedCogroupedKStream<>(this, Objects.requireNonNull(windows, "windows"), null);
  }

  /**
   * Aggregations per key and sliding window, as {@link KGroupedStream#windowedBy(SlidingWindows)}.
   * Stateful (a window store, and the raw records of each input); repartitions the inputs whose
   * key changed.
   *
   * @param windows the sliding windows, with their grace
   * @return the windowed cogrouped stream
   * @throws NullPointerException if {@code windows} is null
   */
  public TimeWindowedCogroupedKStream<K, VOut> windowedBy(SlidingWindows windows) {
    return new TimeWindowedCogroupedKStream<>(this, null, Objects.requireNonNull(windows, "windows"));
  }

  /**
   * Aggregations per key and session, as {@link KGroupedStream#windowedBy(SessionWindows)}.
   * Stateful (a session store); repartitions the inputs whose key changed.
   *
   * @param windows the session windows (inactivity gap and grace)
   * @return the session-windowed cogrouped stream
   * @throws NullPointerException if {@code windows} is null
   */
  public SessionWindowedCogroupedKStream<K, VOut> windowedBy(SessionWindows windows) {
    return new SessionWindowedCogroupedKStream<>(this, Objects.requireNonNull(windows, "windows"));
  }

  StreamsBuilder builder() {
    return builder;
  }

  List<Input<K, VOut>> inputs() {
    return inputs;
  }

  Serde<K> keySerde() {
    return inputs.get(0).grouped().keySerde;
  }

  /** Input {@code in}'s aggregator as an aggregation step that starts from {@code initializer}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <K, V, VOut> io.courant.stream.dsl.internal.AggFn<K, V, VOut> folding(Input<K, VOut> in, Initializer<VOut> initializer) {
    Aggregator agg = in.aggregator();
    return (k, v, old) -> (VOut) agg.apply(k, v, old == null ? initializer.apply() : old);
  }

  /** Adds each input's processor (after its repartition, if needed); returns their names. */
  String[] wire(String store, ProcessorFor<K, VOut> processorFor) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      KStream<K, ?> stream = inputs.get(i).grouped().input(store + "-" + i);
      String name = builder.graph.newName("COGROUPKSTREAM-AGGREGATE");
      builder.graph.addProcessor(name, processorFor.of(i, inputs.get(i)), stream.node);
      names.add(name);
    }
    return names.toArray(String[]::new);
  }

  /** The node that merges the inputs' results into one table stream. */
  String merge(String... parents) {
    String merge = builder.graph.newName("COGROUPKSTREAM-MERGE");
    builder.graph.addProcessor(merge, Lambda.processor((r, c) -> c.forward(r)), parents);
    return merge;
  }
}
