package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.AggFn;
import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import io.courant.stream.dsl.internal.WindowInfo;
import java.util.Objects;

/**
 * A grouped stream windowed by {@link TimeWindows} or {@link SlidingWindows}: aggregations per key
 * and window, into a window store. Stateful; repartitions first if the key changed upstream. A
 * record that arrives after its windows closed (stream time past window end + grace) is dropped and
 * counted ({@code late-records-dropped-total}, {@code dropped-records-total}).
 *
 * <pre>{@code
 * KTable<Windowed<String>, Long> perMinute = views.groupByKey()
 *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(30)))
 *     .count(Materialized.as("views-per-minute"));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TimeWindowedKStream<K, V> {
  private final KGroupedStream<K, V> grouped;
  private final TimeWindows windows;
  private final SlidingWindows sliding;

  TimeWindowedKStream(KGroupedStream<K, V> grouped, TimeWindows windows, SlidingWindows sliding) {
    this.grouped = grouped;
    this.windows = windows;
    this.sliding = sliding;
  }

  /**
   * The number of records per key and window. Stateful (a window store); repartitions first if the
   * key changed upstream; records with a null key or value, or late, are dropped and counted.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> perMinute = views.groupByKey()
   *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(30))).count();
   * }</pre>
   *
   * @return a table keyed by {@link Windowed} key
   * @see #count(Materialized)
   */
  public KTable<Windowed<K>, Long> count() {
    return count(Materialized.with(grouped.keySerde, Serdes.Long()));
  }

  /**
   * {@link #count()} into a named, queryable window store ({@link CourantStreams#windowStore}).
   *
   * @param materialized the store's name, key serde and retention (the value serde is {@link Serdes#Long()} unless given)
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if {@code materialized} is null
   */
  public KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized) {
    Materialized<K, Long> m = materialized.valueSerde() == null ? materialized.withValueSerde(Serdes.Long()) : materialized;
    return aggregateWith((k, v, old) -> old == null ? 1L : old + 1, m);
  }

  /**
   * Combines the values per key and window with {@code reducer} (a window's first value is its
   * initial aggregate). Stateful; repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> maxPerMinute = temperatures.groupByKey()
   *     .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMinutes(1))).reduce(Math::max);
   * }</pre>
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if {@code reducer} is null
   * @see #aggregate(Initializer, Aggregator)
   */
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(grouped.keySerde, grouped.valueSerde));
  }

  /**
   * {@link #reduce(Reducer)} into a named, queryable window store.
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @param materialized the store's name, serdes and retention
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    Materialized<K, V> m = materialized.valueSerde() == null ? materialized.withValueSerde(grouped.valueSerde) : materialized;
    return aggregateWith((k, v, old) -> old == null ? v : reducer.apply(old, v), m);
  }

  /**
   * Folds the values per key and window into an aggregate that starts from {@code initializer} in
   * each window. Stateful; repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> bytesPerMinute = requests.groupByKey()
   *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(5)))
   *     .aggregate(() -> 0L, (host, req, total) -> total + req.bytes(),
   *         Materialized.<String, Long>as("bytes-per-minute").withValueSerde(Serdes.Long()));
   * }</pre>
   *
   * @param initializer a window's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param <VA> the aggregate type
   * @return a table keyed by {@link Windowed} key (the value serde is the default: give one with
   *     {@link #aggregate(Initializer, Aggregator, Materialized)})
   * @throws NullPointerException if an argument is null
   * @see #reduce(Reducer)
   */
  public <VA> KTable<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator) {
    return aggregate(initializer, aggregator, Materialized.with(grouped.keySerde, null));
  }

  /**
   * {@link #aggregate(Initializer, Aggregator)} into a named, queryable window store.
   *
   * @param initializer a window's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param materialized the store's name, serdes (give the aggregate's) and retention
   * @param <VA> the aggregate type
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  public <VA> KTable<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    return aggregateWith((k, v, old) -> aggregator.apply(k, v, old == null ? initializer.apply() : old), materialized);
  }

  private <VA> KTable<Windowed<K>, VA> aggregateWith(AggFn<K, V, VA> fn, Materialized<K, VA> materialized) {
    var graph = grouped.stream.builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("KSTREAM-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : grouped.keySerde;
    KStream<K, V> in = grouped.input(store);
    String name = graph.newName("KSTREAM-AGGREGATE");
    if (windows != null) {
      graph.addProcessor(name, Aggregations.timeWindowed(store, windows, fn), in.node);
    } else {
      graph.addProcessor(name, Aggregations.sliding(store, store + "-raw", sliding, fn), in.node);
      graph.addStore(rawStore(store, ks, grouped.valueSerde, sliding), name);
    }
    graph.addStore(aggregateStore(store, ks, materialized, windows, sliding), name);
    return windowedTable(grouped.stream.builder, name, store, ks, materialized, windows, sliding);
  }

  /** The window store of the aggregates of {@code windows} (or {@code sliding}). */
  static StoreSpec aggregateStore(String store, Serde<?> ks, Materialized<?, ?> materialized, TimeWindows windows, SlidingWindows sliding) {
    long size = windows != null ? windows.sizeMs() : sliding.timeDifferenceMs();
    long grace = windows != null ? windows.graceMs() : sliding.graceMs();
    long keepAfterEnd = Math.max(grace, materialized.retentionMs() - size);
    return new StoreSpec(store, StoreSpec.Type.WINDOW, ks, materialized.valueSerde(), size, keepAfterEnd, false);
  }

  /** The records a sliding-window aggregation recomputes its windows from. */
  static StoreSpec rawStore(String store, Serde<?> ks, Serde<?> valueSerde, SlidingWindows sliding) {
    return new StoreSpec(store + "-raw", StoreSpec.Type.WINDOW, ks, valueSerde, 0, 2 * sliding.timeDifferenceMs() + sliding.graceMs(), true);
  }

  /** The table of a windowed aggregation whose last node is {@code node} and whose window store is {@code store}. */
  static <K, VA> KTable<Windowed<K>, VA> windowedTable(StreamsBuilder builder, String node, String store, Serde<K> ks,
      Materialized<K, VA> materialized, TimeWindows windows, SlidingWindows sliding) {
    ValueGetterSupplier<Windowed<K>, VA> getter = new ValueGetterSupplier<>(java.util.Set.of(store), ctx -> {
      WindowStore<K, VA> s = ctx.getStateStore(store);
      return w -> s.fetch(w.key(), w.window().start());
    });
    long grace = windows != null ? windows.graceMs() : sliding.graceMs();
    return new KTable<>(builder, node, null, materialized.valueSerde(), getter, materialized.storeName(),
        new WindowInfo(grace, windows == null, ks));
  }
}
