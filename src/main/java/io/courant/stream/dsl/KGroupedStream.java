package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.AggFn;
import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.Objects;

/**
 * A stream grouped by key, ready for an aggregation ({@link KStream#groupByKey}, {@link
 * KStream#groupBy}). Aggregations are stateful: their result is a {@link KTable} kept in a store
 * (queryable when named with {@link Materialized#as}); if the key changed upstream, the records go
 * through a repartition topic first. Records with a null key or value are dropped (and counted in
 * {@code dropped-records-total}).
 *
 * <pre>{@code
 * KTable<String, Long> clicksPerUser = clicks.groupByKey().count(Materialized.as("clicks-per-user"));
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KGroupedStream<K, V> {
  final KStream<K, V> stream;
  final String repartitionName;
  final Serde<K> keySerde;
  final Serde<V> valueSerde;
  final boolean repartitionRequired;

  KGroupedStream(KStream<K, V> stream, String repartitionName, Serde<K> keySerde, Serde<V> valueSerde, boolean repartitionRequired) {
    this.stream = stream;
    this.repartitionName = repartitionName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.repartitionRequired = repartitionRequired;
  }

  /** The input of an aggregation whose store is {@code store}: repartitioned if needed. */
  KStream<K, V> input(String store) {
    if (!repartitionRequired) {
      return stream;
    }
    return stream.throughRepartitionTopic(repartitionName != null ? repartitionName : store, keySerde, valueSerde, null);
  }

  /**
   * The number of records per key. Stateful (a key-value store, event-sourced with the input
   * offsets); repartitions first if the key changed upstream; records with a null key or value are
   * dropped and counted.
   *
   * <pre>{@code
   * KTable<String, Long> clicksPerUser = clicks.groupByKey().count();
   * }</pre>
   *
   * @return a table of the count per key
   * @see #count(Materialized)
   * @see KGroupedTable#count()
   */
  public KTable<K, Long> count() {
    return count(Materialized.with(keySerde, Serdes.Long()));
  }

  /**
   * {@link #count()} into a named, queryable store ({@link CourantStreams#keyValueStore}).
   *
   * <pre>{@code
   * clicks.groupByKey().count(Materialized.as("clicks-per-user"));
   * }</pre>
   *
   * @param materialized the store's name and key serde (the value serde is {@link Serdes#Long()} unless given)
   * @return a table of the count per key
   * @throws NullPointerException if {@code materialized} is null
   */
  public KTable<K, Long> count(Materialized<K, Long> materialized) {
    Materialized<K, Long> m = materialized.valueSerde() == null ? materialized.withValueSerde(Serdes.Long()) : materialized;
    return aggregateWith("KSTREAM-AGGREGATE", (k, v, old) -> old == null ? 1L : old + 1, m);
  }

  /**
   * Combines the values per key with {@code reducer}; a key's first value is its initial aggregate.
   * Stateful; repartitions first if the key changed upstream; null keys and values are dropped.
   *
   * <pre>{@code
   * KTable<String, Long> maxPerSensor = readings.groupByKey().reduce(Math::max);
   * }</pre>
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @return a table of the reduced value per key
   * @throws NullPointerException if {@code reducer} is null
   * @see #aggregate(Initializer, Aggregator)
   */
  public KTable<K, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(keySerde, valueSerde));
  }

  /**
   * {@link #reduce(Reducer)} into a named, queryable store.
   *
   * @param reducer the aggregate and a value → the new aggregate
   * @param materialized the store's name and serdes
   * @return a table of the reduced value per key
   * @throws NullPointerException if an argument is null
   */
  public KTable<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    Materialized<K, V> m = materialized.valueSerde() == null ? materialized.withValueSerde(valueSerde) : materialized;
    return aggregateWith("KSTREAM-REDUCE", (k, v, old) -> old == null ? v : reducer.apply(old, v), m);
  }

  /**
   * Folds the values per key into an aggregate that starts from {@code initializer}. Stateful;
   * repartitions first if the key changed upstream; null keys and values are dropped.
   *
   * <pre>{@code
   * KTable<String, Long> spentPerCustomer = orders.groupByKey()
   *     .aggregate(() -> 0L, (customer, order, total) -> total + order.total(),
   *         Materialized.<String, Long>as("spent").withValueSerde(Serdes.Long()));
   * }</pre>
   *
   * @param initializer a key's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param <VA> the aggregate type
   * @return a table of the aggregate per key (its value serde is the default: give one with
   *     {@link #aggregate(Initializer, Aggregator, Materialized)})
   * @throws NullPointerException if an argument is null
   * @see #reduce(Reducer)
   * @see #cogroup(Aggregator)
   */
  public <VA> KTable<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator) {
    return aggregate(initializer, aggregator, Materialized.with(keySerde, null));
  }

  /**
   * {@link #aggregate(Initializer, Aggregator)} into a named, queryable store.
   *
   * @param initializer a key's aggregate before its first record
   * @param aggregator key, value and aggregate → the new aggregate
   * @param materialized the store's name and serdes (give the aggregate's value serde)
   * @param <VA> the aggregate type
   * @return a table of the aggregate per key
   * @throws NullPointerException if an argument is null
   */
  public <VA> KTable<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator,
      Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(aggregator, "aggregator");
    return aggregateWith("KSTREAM-AGGREGATE", (k, v, old) -> aggregator.apply(k, v, old == null ? initializer.apply() : old), materialized);
  }

  private <VA> KTable<K, VA> aggregateWith(String prefix, AggFn<K, V, VA> fn, Materialized<K, VA> materialized) {
    var graph = stream.builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName(prefix);
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : keySerde;
    KStream<K, V> in = input(store);
    String name = graph.newName(prefix);
    graph.addProcessor(name, Aggregations.perKey(store, fn), in.node);
    graph.addStore(StoreSpec.keyValue(store, ks, materialized.valueSerde()), name);
    return new KTable<>(stream.builder, name, ks, materialized.valueSerde(), ValueGetterSupplier.ofStore(store),
        materialized.storeName(), null);
  }

  /**
   * Aggregations per key and fixed time window: tumbling ({@link TimeWindows#ofSizeAndGrace}) or
   * hopping ({@link TimeWindows#advanceBy}), by event time, with the windows' grace. Stateful (a
   * window store) once aggregated; repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> perMinute = views.groupByKey()
   *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(30))).count();
   * }</pre>
   *
   * @param windows the windows
   * @return the windowed stream, to aggregate
   * @throws NullPointerException if {@code windows} is null
   * @see #windowedBy(SlidingWindows)
   * @see #windowedBy(SessionWindows)
   */
  public TimeWindowedKStream<K, V> windowedBy(TimeWindows windows) {
    return new TimeWindowedKStream<>(this, Objects.requireNonNull(windows, "windows"), null);
  }

  /**
   * Aggregations per key and sliding window: a window of {@code timeDifference} ends at each record,
   * and one starts just after it, so every distinct set of records within the time difference has
   * one aggregate. Stateful (a window store, and the records of the last windows); repartitions
   * first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> within10s = events.groupByKey()
   *     .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5))).count();
   * }</pre>
   *
   * @param windows the sliding windows
   * @return the windowed stream, to aggregate
   * @throws NullPointerException if {@code windows} is null
   * @see #windowedBy(TimeWindows)
   */
  public TimeWindowedKStream<K, V> windowedBy(SlidingWindows windows) {
    return new TimeWindowedKStream<>(this, null, Objects.requireNonNull(windows, "windows"));
  }

  /**
   * Aggregations per key and session: records closer in time than the inactivity gap share a
   * session, and a record that bridges two sessions merges them. Stateful (a session store);
   * repartitions first if the key changed upstream.
   *
   * <pre>{@code
   * KTable<Windowed<String>, Long> visits = clicks.groupByKey()
   *     .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1))).count();
   * }</pre>
   *
   * @param windows the session windows
   * @return the session-windowed stream, to aggregate
   * @throws NullPointerException if {@code windows} is null
   * @see #windowedBy(TimeWindows)
   */
  public SessionWindowedKStream<K, V> windowedBy(SessionWindows windows) {
    return new SessionWindowedKStream<>(this, Objects.requireNonNull(windows, "windows"));
  }

  /**
   * Starts a co-grouped aggregation: this and other grouped streams (same key type, co-partitioned,
   * each with its own value type and aggregator) folded into one aggregate per key, in one store —
   * simpler and cheaper than aggregating each and joining the tables. Stateless here; the aggregation
   * is stateful and repartitions the inputs whose key changed.
   *
   * <pre>{@code
   * KTable<String, Totals> totals = orders.groupByKey().cogroup(Totals::addOrder)
   *     .cogroup(refunds.groupByKey(), Totals::addRefund)
   *     .aggregate(Totals::new, Materialized.with(Serdes.String(), Serdes.Json(Totals.class)));
   * }</pre>
   *
   * @param aggregator key, a value of this stream and the aggregate → the new aggregate
   * @param <VOut> the aggregate type
   * @return the cogrouped stream, to add inputs to and aggregate
   * @throws NullPointerException if {@code aggregator} is null
   * @see CogroupedKStream
   */
  public <VOut> CogroupedKStream<K, VOut> cogroup(Aggregator<? super K, ? super V, VOut> aggregator) {
    return new CogroupedKStream<K, VOut>(stream.builder).cogroup(this, aggregator);
  }
}
