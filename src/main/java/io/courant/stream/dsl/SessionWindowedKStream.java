package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.AggFn;
import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import io.courant.stream.dsl.internal.WindowInfo;
import java.util.Objects;

/**
 * A grouped stream windowed by {@link SessionWindows}: aggregations per key and session, into a
 * session store. When a record merges sessions, the merged-away sessions are emitted as deletes
 * (null values). Stateful; repartitions first if the key changed upstream; late records are dropped
 * and counted.
 *
 * <pre>{@code
 * KTable<Windowed<String>, Long> visits = clicks.groupByKey()
 *     .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1)))
 *     .count();
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SessionWindowedKStream<K, V> {
  private final KGroupedStream<K, V> grouped;
  private final SessionWindows windows;

  SessionWindowedKStream(KGroupedStream<K, V> grouped, SessionWindows windows) {
    this.grouped = grouped;
    this.windows = windows;
  }

  /**
   * The number of records per key and session. Stateful (a session store): when a record bridges
   * sessions they merge, and the merged-away sessions are emitted as deletes; repartitions first if
   * the key changed upstream; records with a null key or value, or late, are dropped and counted.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> visits = clicks.groupByKey()
   *     .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1))).count();
   * }</pre>
   *
   * @return a table keyed by {@link Windowed} key
   * @see #count(Materialized)
   */
  public KTable<Windowed<K>, Long> count() {
    return count(Materialized.with(grouped.keySerde, Serdes.Long()));
  }

  /**
   * {@link #count()} into a named session store (read with {@link TopologyTestDriver#getSessionStore};
   * not yet queryable through {@link CourantStreams}).
   *
   * @param materialized the store's name, key serde and retention (the value serde is {@link Serdes#Long()} unless given)
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if {@code materialized} is null
   */
  public KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized) {
    Materialized<K, Long> m = materialized.valueSerde() == null ? materialized.withValueSerde(Serdes.Long()) : materialized;
    return aggregateWith((k, v, old) -> old == null ? 1L : old + 1, (k, a, b) -> a + b, m);
  }

  /**
   * Combines the values per key and session with {@code reducer} (a session's first value is its
   * initial aggregate). Stateful; repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> maxPerVisit = temperatures.groupByKey()
   *     .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(Duration.ofMinutes(5))).reduce(Math::max);
   * }</pre>
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if {@code reducer} is null
   * @see #aggregate(Initializer, Aggregator, Merger)
   */
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(grouped.keySerde, grouped.valueSerde));
  }

  /**
   * {@link #reduce(Reducer)} into a named session store.
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @param materialized the store's name, serdes and retention
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  public KTable<Windowed<K>, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    Materialized<K, V> m = materialized.valueSerde() == null ? materialized.withValueSerde(grouped.valueSerde) : materialized;
    return aggregateWith((k, v, old) -> old == null ? v : reducer.apply(old, v), (k, a, b) -> reducer.apply(a, b), m);
  }

  /**
   * Folds the values per key and session into an aggregate that starts from {@code initializer} in
   * each new session; when a record merges sessions, {@code merger} combines their aggregates.
   * Stateful; repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> bytesPerVisit = requests.groupByKey()
   *     .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1)))
   *     .aggregate(() -> 0L, (user, req, total) -> total + req.bytes(), (user, a, b) -> a + b,
   *         Materialized.<String, Long>as("bytes-per-visit").withValueSerde(Serdes.Long()));
   * }</pre>
   *
   * @param initializer a session's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param merger combines the aggregates of two sessions a record joins
   * @param <VA> the aggregate type
   * @return a table keyed by {@link Windowed} key (the value serde is the default: give one with
   *     {@link #aggregate(Initializer, Aggregator, Merger, Materialized)})
   * @throws NullPointerException if an argument is null
   * @see #reduce(Reducer)
   */
  public <VA> KTable<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger) {
    return aggregate(initializer, aggregator, merger, Materialized.with(grouped.keySerde, null));
  }

  /**
   * {@link #aggregate(Initializer, Aggregator, Merger)} into a named session store.
   *
   * @param initializer a session's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param merger combines the aggregates of two sessions a record joins
   * @param materialized the store's name, serdes (give the aggregate's) and retention
   * @param <VA> the aggregate type
   * @return a table keyed by {@link Windowed} key
   * @throws NullPointerException if an argument is null
   */
  public <VA> KTable<Windowed<K>, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger, Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    Objects.requireNonNull(merger, "merger");
    return aggregateWith((k, v, old) -> aggregator.apply(k, v, old == null ? initializer.apply() : old), merger, materialized);
  }

  private <VA> KTable<Windowed<K>, VA> aggregateWith(AggFn<K, V, VA> fn, Merger<? super K, VA> merger, Materialized<K, VA> materialized) {
    var graph = grouped.stream.builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("KSTREAM-SESSION-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : grouped.keySerde;
    KStream<K, V> in = grouped.input(store);
    String name = graph.newName("KSTREAM-SESSION-AGGREGATE");
    graph.addProcessor(name, Aggregations.session(store, windows, fn, merger), in.node);
    graph.addStore(sessionStore(store, ks, materialized, windows), name);
    return sessionTable(grouped.stream.builder, name, store, ks, materialized, windows);
  }

  /** The session store of the aggregates of {@code windows}. */
  static StoreSpec sessionStore(String store, Serde<?> ks, Materialized<?, ?> materialized, SessionWindows windows) {
    // a record within grace may still merge a session that ended one gap before it
    long keep = Math.max(2 * windows.inactivityGapMs() + windows.graceMs(), materialized.retentionMs());
    return new StoreSpec(store, StoreSpec.Type.SESSION, ks, materialized.valueSerde(), 0, keep, false);
  }

  /** The table of a session aggregation whose last node is {@code node} and whose session store is {@code store}. */
  static <K, VA> KTable<Windowed<K>, VA> sessionTable(StreamsBuilder builder, String node, String store, Serde<K> ks,
      Materialized<K, VA> materialized, SessionWindows windows) {
    ValueGetterSupplier<Windowed<K>, VA> getter = new ValueGetterSupplier<>(java.util.Set.of(store), ctx -> {
      SessionStore<K, VA> s = ctx.getStateStore(store);
      return w -> s.fetchSession(w.key(), w.window().start(), w.window().end());
    });
    return new KTable<>(builder, node, null, materialized.valueSerde(), getter, materialized.storeName(),
        new WindowInfo(windows.graceMs(), true, ks));
  }
}
