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

  /** The number of records per key. Stateful. */
  public KTable<K, Long> count() {
    return count(Materialized.with(keySerde, Serdes.Long()));
  }

  /** {@link #count()} into a named, queryable store (its values are {@link Serdes#Long()} unless given). */
  public KTable<K, Long> count(Materialized<K, Long> materialized) {
    Materialized<K, Long> m = materialized.valueSerde() == null ? materialized.withValueSerde(Serdes.Long()) : materialized;
    return aggregateWith("KSTREAM-AGGREGATE", (k, v, old) -> old == null ? 1L : old + 1, m);
  }

  /** Combines the values per key with {@code reducer} (the first value is the initial aggregate). Stateful. */
  public KTable<K, V> reduce(Reducer<V> reducer) {
    return reduce(reducer, Materialized.with(keySerde, valueSerde));
  }

  /** {@link #reduce(Reducer)} into a named, queryable store. */
  public KTable<K, V> reduce(Reducer<V> reducer, Materialized<K, V> materialized) {
    Objects.requireNonNull(reducer, "reducer");
    Materialized<K, V> m = materialized.valueSerde() == null ? materialized.withValueSerde(valueSerde) : materialized;
    return aggregateWith("KSTREAM-REDUCE", (k, v, old) -> old == null ? v : reducer.apply(old, v), m);
  }

  /** Folds the values per key into an aggregate, starting from {@code initializer}. Stateful. */
  public <VA> KTable<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> aggregator) {
    return aggregate(initializer, aggregator, Materialized.with(keySerde, null));
  }

  /** {@link #aggregate(Initializer, Aggregator)} into a named, queryable store (give the aggregate's serde). */
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

  /** Aggregations per fixed (tumbling or hopping) time window. */
  public TimeWindowedKStream<K, V> windowedBy(TimeWindows windows) {
    return new TimeWindowedKStream<>(this, Objects.requireNonNull(windows, "windows"), null);
  }

  /** Aggregations per sliding window. */
  public TimeWindowedKStream<K, V> windowedBy(SlidingWindows windows) {
    return new TimeWindowedKStream<>(this, null, Objects.requireNonNull(windows, "windows"));
  }

  /** Aggregations per session. */
  public SessionWindowedKStream<K, V> windowedBy(SessionWindows windows) {
    return new SessionWindowedKStream<>(this, Objects.requireNonNull(windows, "windows"));
  }

  /**
   * Starts a co-grouped aggregation: several grouped streams (of the same key type) folded into
   * one aggregate per key, each with its own aggregator.
   */
  public <VOut> CogroupedKStream<K, VOut> cogroup(Aggregator<? super K, ? super V, VOut> aggregator) {
    return new CogroupedKStream<K, VOut>(stream.builder).cogroup(this, aggregator);
  }
}
