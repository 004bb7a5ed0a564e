package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.AggFn;
import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.TaggedSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A cogrouped stream windowed by {@link TimeWindows} or {@link SlidingWindows} ({@link
 * CogroupedKStream#windowedBy(TimeWindows)}), as Kafka Streams' {@code
 * TimeWindowedCogroupedKStream}: one aggregate per key and window, each input folding its records
 * in with its own aggregator, into one window store. Stateful; inputs whose key changed are
 * repartitioned first. Event time, grace and late records work as in {@link TimeWindowedKStream}: a
 * record whose windows have all closed (stream time past window end + grace) is dropped and counted
 * in {@code late-records-dropped-total}.
 *
 * <pre>{@code
 * KTable<Windowed<String>, Long> perMinute = clicks.groupByKey().<Long>cogroup((user, click, n) -> n + 1)
 *     .cogroup(purchases.groupByKey(), (user, purchase, n) -> n + 10)
 *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
 *     .aggregate(() -> 0L, Materialized.<String, Long>as("score-per-minute").withValueSerde(Serdes.Long()));
 * }</pre>
 *
 * @param <K> the key type
 * @param <VOut> the aggregate type
 * @see SessionWindowedCogroupedKStream
 * @see TimeWindowedKStream
 */
public final class TimeWindowedCogroupedKStream<K, VOut> {
  private final CogroupedKStream<K, VOut> cogrouped;
  private final TimeWindows windows;
  private final SlidingWindows sliding;

  TimeWindowedCogroupedKStream(CogroupedKStream<K, VOut> cogrouped, TimeWindows windows, SlidingWindows sliding) {
    this.cogrouped = cogrouped;
    this.windows = windows;
    this.sliding = sliding;
  }

  /**
   * The aggregate per key and window, starting from {@code initializer} in each window. Stateful.
   *
   * @param initializer the aggregate of a window before its first record
   * @return a table keyed by {@link Windowed} key (its value serde is the default: give one with
   *     {@link #aggregate(Initializer, Materialized)})
   * @throws NullPointerException if {@code initializer} is null
   */
  public KTable<Windowed<K>, VOut> aggregate(Initializer<VOut> initializer) {
    return aggregate(initializer, Materialized.with(cogrouped.keySerde(), null));
  }

  /**
   * {@link #aggregate(Initializer)} into a named, queryable window store ({@link CourantStreams#windowStore}).
   *
   * @param initializer the aggregate of a window before its first record
   * @param materialized the store's name, serdes and retention (give the aggregate's value serde)
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public KTable<Windowed<K>, VOut> aggregate(Initializer<VOut> initializer, Materialized<K, VOut> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(materialized, "materialized");
    var graph = cogrouped.builder().graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("COGROUPKSTREAM-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : cogrouped.keySerde();
    String[] parents;
    if (windows != null) {
      parents = cogrouped.wire(store, (i, in) -> Aggregations.timeWindowed(store, windows, CogroupedKStream.folding(in, initializer)));
    } else {
      // the raw store holds every input's records, each tagged with its input, to recompute windows from
      List<AggFn<K, Object, VOut>> steps = new ArrayList<>();
      List<Serde<?>> valueSerdes = new ArrayList<>();
      for (var in : cogrouped.inputs()) {
        steps.add(CogroupedKStream.folding(in, initializer));
        valueSerdes.add(in.grouped().valueSerde);
      }
      AggFn<K, TaggedSerde.Tagged, VOut> step = (k, t, agg) -> steps.get(t.input()).apply(k, t.value(), agg);
      parents = cogrouped.wire(store, (i, in) -> Aggregations.sliding(store, store + "-raw", sliding,
          v -> new TaggedSerde.Tagged(i, v), step));
      graph.addStore(TimeWindowedKStream.rawStore(store, ks, (Serde) new TaggedSerde(valueSerdes), sliding), parents);
    }
    graph.addStore(TimeWindowedKStream.aggregateStore(store, ks, materialized, windows, sliding), parents);
    return TimeWindowedKStream.windowedTable(cogrouped.builder(), cogrouped.merge(parents), store, ks, materialized, windows, sliding);
  }
}
