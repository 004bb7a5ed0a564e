package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.AggFn;
import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.Change;
import io.courant.stream.dsl.internal.ChangeSerde;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.Objects;

/**
 * A table re-grouped by a new key ({@link KTable#groupBy}), ready for a re-aggregation, as Kafka
 * Streams' {@code KGroupedTable}. Unlike a {@link KGroupedStream}, every input is an <em>update</em>
 * of a table row: when a row changes, its previous value is subtracted from the aggregate of the
 * group it belonged to and its new value added to the aggregate of its new group (possibly the same
 * one); a deleted row (tombstone) is only subtracted. So the aggregations need a subtractor as well
 * as an adder, and {@link #count()} counts the rows currently in each group.
 *
 * <p>Stateful: the result is a {@link KTable} kept in a key-value store, event-sourced in
 * Cassandra with the input offsets like every other aggregation (a crash neither loses nor
 * double-counts an update), queryable when named with {@link Materialized#as}. Always repartitions:
 * the updates go through {@code <application.id>-<name>-repartition}, partitioned by the new key.
 * Rows the selector maps to a null key or value are left out.
 *
 * <pre>{@code
 * // users: userId -> User(region); count the users per region, following moves and deletions
 * KTable<String, Long> usersPerRegion = users
 *     .groupBy((userId, user) -> KeyValue.pair(user.region(), user), Grouped.with(Serdes.String(), Serdes.Json(User.class)))
 *     .count(Materialized.as("users-per-region"));
 * }</pre>
 *
 * @param <K> the key type of the groups
 * @param <V> the value type of the grouped rows
 * @see KTable#groupBy(KeyValueMapper, Grouped)
 * @see KGroupedStream
 */
public final class KGroupedTable<K, V> {
  private final KStream<K, Change<V>> selected;
  private final String repartitionName;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;

  KGroupedTable(KStream<K, Change<V>> selected, String repartitionName, Serde<K> keySerde, Serde<V> valueSerde) {
    this.selected = selected;
    this.repartitionName = repartitionName;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  /**
   * The number of rows per group: a row entering a group adds one, a row leaving it (moved to
   * another group or deleted) subtracts one. A group whose rows all left keeps the count 0, as in
   * Kafka Streams. Stateful; repartitions.
   *
   * <pre>{@code
   * KTable<String, Long> perRegion = users.groupBy((id, u) -> KeyValue.pair(u.region(), u)).count();
   * }</pre>
   *
   * @return a table of the count per group
   * @see #count(Materialized)
   */
  public KTable<K, Long> count() {
    return count(Materialized.with(keySerde, Serdes.Long()));
  }

  /**
   * {@link #count()} into a named, queryable store ({@link CourantStreams#keyValueStore}).
   *
   * @param materialized the store's name and serdes; the value serde is {@link Serdes#Long()} unless given
   * @return a table of the count per group
   * @throws NullPointerException if {@code materialized} is null
   */
  public KTable<K, Long> count(Materialized<K, Long> materialized) {
    Objects.requireNonNull(materialized, "materialized");
    Materialized<K, Long> m = materialized.valueSerde() == null ? materialized.withValueSerde(Serdes.Long()) : materialized;
    return aggregateWith("KTABLE-AGGREGATE", (k, v, agg) -> agg == null ? 1L : agg + 1, (k, v, agg) -> agg - 1, m);
  }

  /**
   * Combines the rows of each group: {@code adder} folds a row's new value into the group's value
   * (the group's first value is taken as it is), {@code subtractor} takes a row's old value out of
   * it. Stateful; repartitions.
   *
   * <pre>{@code
   * // total balance per branch, following accounts that change branch
   * KTable<String, Long> perBranch = accounts
   *     .groupBy((id, a) -> KeyValue.pair(a.branch(), a.balance()), Grouped.with(Serdes.String(), Serdes.Long()))
   *     .reduce(Long::sum, (total, old) -> total - old);
   * }</pre>
   *
   * @param adder the group's value and a row's new value → the new group value
   * @param subtractor the group's value and a row's old value → the new group value
   * @return a table of the reduced value per group
   * @throws NullPointerException if {@code adder} or {@code subtractor} is null
   * @see #aggregate(Initializer, Aggregator, Aggregator)
   */
  public KTable<K, V> reduce(Reducer<V> adder, Reducer<V> subtractor) {
    return reduce(adder, subtractor, Materialized.with(keySerde, valueSerde));
  }

  /**
   * {@link #reduce(Reducer, Reducer)} into a named, queryable store.
   *
   * @param adder the group's value and a row's new value → the new group value
   * @param subtractor the group's value and a row's old value → the new group value
   * @param materialized the store's name and serdes (the value serde defaults to the grouped one)
   * @return a table of the reduced value per group
   * @throws NullPointerException if an argument is null
   */
  public KTable<K, V> reduce(Reducer<V> adder, Reducer<V> subtractor, Materialized<K, V> materialized) {
    Objects.requireNonNull(adder, "adder");
    Objects.requireNonNull(subtractor, "subtractor");
    Objects.requireNonNull(materialized, "materialized");
    Materialized<K, V> m = materialized.valueSerde() == null ? materialized.withValueSerde(valueSerde) : materialized;
    return aggregateWith("KTABLE-REDUCE", (k, v, agg) -> agg == null ? v : adder.apply(agg, v), (k, v, agg) -> subtractor.apply(agg, v), m);
  }

  /**
   * Folds the rows of each group into an aggregate that starts from {@code initializer}: {@code
   * adder} adds a row's new value, {@code subtractor} removes a row's old value. Stateful;
   * repartitions.
   *
   * <pre>{@code
   * KTable<String, Long> totalQty = orders
   *     .groupBy((id, o) -> KeyValue.pair(o.product(), o.qty()), Grouped.with(Serdes.String(), Serdes.Long()))
   *     .aggregate(() -> 0L, (product, qty, total) -> total + qty, (product, qty, total) -> total - qty,
   *         Materialized.<String, Long>as("qty-per-product").withValueSerde(Serdes.Long()));
   * }</pre>
   *
   * @param initializer the aggregate of a group before its first row
   * @param adder group key, a row's new value and the aggregate → the new aggregate
   * @param subtractor group key, a row's old value and the aggregate → the new aggregate
   * @param <VA> the aggregate type
   * @return a table of the aggregate per group (its serde is the default value serde: give one with
   *     {@link #aggregate(Initializer, Aggregator, Aggregator, Materialized)})
   * @throws NullPointerException if an argument is null
   * @see #reduce(Reducer, Reducer)
   */
  public <VA> KTable<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> adder,
      Aggregator<? super K, ? super V, VA> subtractor) {
    return aggregate(initializer, adder, subtractor, Materialized.with(keySerde, null));
  }

  /**
   * {@link #aggregate(Initializer, Aggregator, Aggregator)} into a named, queryable store.
   *
   * @param initializer the aggregate of a group before its first row
   * @param adder group key, a row's new value and the aggregate → the new aggregate
   * @param subtractor group key, a row's old value and the aggregate → the new aggregate
   * @param materialized the store's name and serdes (give the aggregate's value serde)
   * @param <VA> the aggregate type
   * @return a table of the aggregate per group
   * @throws NullPointerException if an argument is null
   */
  public <VA> KTable<K, VA> aggregate(Initializer<VA> initializer, Aggregator<? super K, ? super V, VA> adder,
      Aggregator<? super K, ? super V, VA> subtractor, Materialized<K, VA> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    Objects.requireNonNull(adder, "adder");
    Objects.requireNonNull(subtractor, "subtractor");
    Objects.requireNonNull(materialized, "materialized");
    return aggregateWith("KTABLE-AGGREGATE", (k, v, agg) -> adder.apply(k, v, agg == null ? initializer.apply() : agg),
        subtractor::apply, materialized);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private <VA> KTable<K, VA> aggregateWith(String prefix, AggFn<K, V, VA> adder, AggFn<K, V, VA> subtractor,
      Materialized<K, VA> materialized) {
    var graph = selected.builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName(prefix);
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : keySerde;
    KStream<K, Change<V>> in = selected.throughRepartitionTopic(repartitionName != null ? repartitionName : store, keySerde,
        (Serde) new ChangeSerde<>(valueSerde), null);
    String name = graph.newName(prefix);
    graph.addProcessor(name, Aggregations.tableAggregate(store, adder, subtractor), in.node);
    graph.addStore(StoreSpec.keyValue(store, ks, materialized.valueSerde()), name);
    return new KTable<>(selected.builder, name, ks, materialized.valueSerde(), ValueGetterSupplier.ofStore(store),
        materialized.storeName(), null);
  }
}
