package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.Change;
import io.courant.stream.dsl.internal.GraphBuilder;
import io.courant.stream.dsl.internal.Joins;
import io.courant.stream.dsl.internal.Lambda;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.Suppress;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import io.courant.stream.dsl.internal.WindowInfo;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A changelog stream seen as a table: the latest value per key, a null value deleting the key
 * (Kafka Streams' {@code KTable}). Made by {@link StreamsBuilder#table}, {@link KStream#toTable} or
 * an aggregation. Downstream of a table, every update carries the key's new and previous value, so
 * joins and filters stay consistent when a key changes or is deleted.
 *
 * <pre>{@code
 * KTable<String, Customer> customers = builder.table("customers", Consumed.with(Serdes.String(), Serdes.Json(Customer.class)));
 * customers.filter((id, c) -> c.active()).toStream().to("active-customers");
 * }</pre>
 *
 * @param <K> the key type
 * @param <V> the value type
 * @see KStream
 */
public final class KTable<K, V> {
  final StreamsBuilder builder;
  final String node;
  final Serde<K> keySerde;
  final Serde<V> valueSerde;
  final ValueGetterSupplier<K, V> getter;
  private final String queryableStoreName;
  final WindowInfo windowInfo;

  KTable(StreamsBuilder builder, String node, Serde<K> keySerde, Serde<V> valueSerde, ValueGetterSupplier<K, V> getter,
      String queryableStoreName, WindowInfo windowInfo) {
    this.builder = builder;
    this.node = node;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.getter = getter;
    this.queryableStoreName = queryableStoreName;
    this.windowInfo = windowInfo;
  }

  /** A processor that keeps the latest value per key in {@code store} and forwards each change. */
  static <K, V> ProcessorSupplier<K, V, K, Change<V>> storeUpdater(String store) {
    return Lambda.processor((r, c) -> {
      if (r.key() == null) {
        c.dropped(false);
        return;
      }
      KeyValueStore<K, V> s = c.getStateStore(store);
      V old = s.get(r.key());
      s.put(r.key(), r.value());
      c.forward(r.withValue(new Change<>(r.value(), old)));
    });
  }

  private GraphBuilder graph() {
    return builder.graph;
  }

  /**
   * The name of this table's queryable store.
   *
   * @return the store name given with {@link Materialized#as}, or null if the table was not
   *     materialized under a name (it cannot be queried then)
   */
  public String queryableStoreName() {
    return queryableStoreName;
  }

  /**
   * Keeps the entries that satisfy {@code predicate}; the others read as deleted (an entry that stops
   * satisfying it is emitted as a delete). Stateless (not materialized); does not repartition.
   *
   * <pre>{@code
   * KTable<String, Customer> active = customers.filter((id, c) -> c.active());
   * }</pre>
   *
   * @param predicate decides, per key and value, whether the entry is kept
   * @return the filtered table
   * @throws NullPointerException if {@code predicate} is null
   * @see #filterNot(Predicate)
   * @see #filter(Predicate, Materialized)
   */
  public KTable<K, V> filter(Predicate<? super K, ? super V> predicate) {
    return filter(predicate, null);
  }

  /**
   * {@link #filter(Predicate)} into a named, queryable store. Stateful (the store).
   *
   * @param predicate decides, per key and value, whether the entry is kept
   * @param materialized the store's name and serdes
   * @return the filtered table
   * @throws NullPointerException if {@code predicate} is null
   */
  public KTable<K, V> filter(Predicate<? super K, ? super V> predicate, Materialized<K, V> materialized) {
    Objects.requireNonNull(predicate, "predicate");
    return derive("KTABLE-FILTER", (k, v) -> v != null && predicate.test(k, v) ? v : null, valueSerde, materialized);
  }

  /**
   * Keeps the entries that do not satisfy {@code predicate}. Stateless; does not repartition.
   *
   * <pre>{@code
   * KTable<String, Customer> current = customers.filterNot((id, c) -> c.closed());
   * }</pre>
   *
   * @param predicate decides, per key and value, whether the entry is dropped
   * @return the filtered table
   * @throws NullPointerException if {@code predicate} is null
   * @see #filter(Predicate)
   */
  public KTable<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return filter((k, v) -> !predicate.test(k, v));
  }

  /**
   * Maps every value; deletes stay deletes, keys are unchanged. Stateless (not materialized); does
   * not repartition.
   *
   * <pre>{@code
   * KTable<String, String> names = customers.mapValues(Customer::name);
   * }</pre>
   *
   * @param mapper value → new value
   * @param <VR> the new value type
   * @return the mapped table
   * @throws NullPointerException if {@code mapper} is null
   * @see #mapValues(ValueMapper, Materialized)
   */
  public <VR> KTable<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    return mapValues(mapper, null);
  }

  /**
   * {@link #mapValues(ValueMapper)} into a named, queryable store. Stateful (the store).
   *
   * @param mapper value → new value
   * @param materialized the store's name and serdes (give the new value's serde)
   * @param <VR> the new value type
   * @return the mapped table
   * @throws NullPointerException if {@code mapper} is null
   */
  public <VR> KTable<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper, Materialized<K, VR> materialized) {
    Objects.requireNonNull(mapper, "mapper");
    return derive("KTABLE-MAPVALUES", (k, v) -> v == null ? null : mapper.apply(v), null, materialized);
  }

  private <VR> KTable<K, VR> derive(String prefix, BiFunction<K, V, VR> f, Serde<VR> vs, Materialized<K, VR> materialized) {
    String name = graph().newName(prefix);
    String store = materialized == null ? null
        : materialized.storeName() != null ? materialized.storeName() : graph().newStoreName(prefix);
    Serde<K> ks = materialized != null && materialized.keySerde() != null ? materialized.keySerde() : keySerde;
    Serde<VR> valueSerde = materialized != null && materialized.valueSerde() != null ? materialized.valueSerde() : vs;
    graph().addProcessor(name, Lambda.<K, Change<V>, K, Change<VR>>processor((r, c) -> {
      VR n = f.apply(r.key(), r.value().newValue());
      VR o = f.apply(r.key(), r.value().oldValue());
      if (n == null && o == null) {
        return;
      }
      if (store != null) {
        KeyValueStore<K, VR> s = c.getStateStore(store);
        s.put(r.key(), n);
      }
      c.forward(r.withValue(new Change<>(n, o)));
    }), node);
    ValueGetterSupplier<K, VR> g;
    if (store != null) {
      graph().addStore(StoreSpec.keyValue(store, ks, valueSerde), name);
      g = ValueGetterSupplier.ofStore(store);
    } else {
      g = getter.map(f);
    }
    return new KTable<>(builder, name, ks, valueSerde, g, materialized != null ? materialized.storeName() : null, windowInfo);
  }

  /**
   * The table's updates as a stream: one record per update, with the new value (null for a delete).
   * Stateless; does not repartition.
   *
   * <pre>{@code
   * counts.toStream().to("word-counts", Produced.with(Serdes.String(), Serdes.Long()));
   * }</pre>
   *
   * @return the stream of updates
   * @see #toStream(KeyValueMapper)
   * @see KStream#toTable()
   */
  public KStream<K, V> toStream() {
    String name = graph().newName("KTABLE-TOSTREAM");
    graph().addProcessor(name, Lambda.<K, Change<V>, K, V>processor((r, c) -> c.forward(r.withValue(r.value().newValue()))), node);
    return new KStream<>(builder, name, keySerde, valueSerde, false);
  }

  /**
   * The table's updates as a stream with a new key per update. Stateless; marks the stream for
   * repartitioning.
   *
   * <pre>{@code
   * KStream<String, Long> flat = windowedCounts.toStream((w, n) -> w.key() + "@" + w.window().start());
   * }</pre>
   *
   * @param mapper key and new value → the stream key
   * @param <KR> the new key type
   * @return the stream of updates
   * @throws NullPointerException if {@code mapper} is null
   */
  public <KR> KStream<KR, V> toStream(KeyValueMapper<? super K, ? super V, ? extends KR> mapper) {
    return toStream().selectKey(mapper);
  }

  /**
   * Holds back the updates of a windowed aggregation and emits each window's final result once, when
   * stream time passes the window's end plus grace ({@link Suppressed#untilWindowCloses}). Stateful
   * (the buffer is a store event-sourced with the others); does not repartition.
   *
   * <pre>{@code
   * views.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10))).count()
   *     .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
   *     .toStream().to("final-counts", Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 60_000), Serdes.Long()));
   * }</pre>
   *
   * @param suppressed what to hold back (only {@code untilWindowCloses})
   * @return the table of final results
   * @throws NullPointerException if {@code suppressed} is null
   * @throws IllegalArgumentException if this table is not the result of a windowed aggregation
   */
  public KTable<K, V> suppress(Suppressed suppressed) {
    Objects.requireNonNull(suppressed, "suppressed");
    if (windowInfo == null) {
      throw new IllegalArgumentException("suppress(untilWindowCloses) needs the table of a windowed aggregation (windowedBy(...)): "
          + "this table has no windows");
    }
    String name = graph().newName("KTABLE-SUPPRESS");
    String store = name + "-store";
    graph().addProcessor(name, Suppress.untilWindowCloses(store, windowInfo), node);
    graph().addStore(StoreSpec.keyValue(store, Suppress.bufferKeySerde(windowInfo), valueSerde), name);
    return new KTable<>(builder, name, keySerde, valueSerde, getter, null, windowInfo);
  }

  /**
   * Re-groups the table's rows by a new key (and value) for a re-aggregation: each row is mapped by
   * {@code selector} to the group it belongs to. When a row is updated, its old value leaves its old
   * group and its new value joins its new group; a deleted row leaves its group ({@link
   * KGroupedTable}). Stateless here; the aggregation that follows is stateful and always
   * repartitions (through {@code <application.id>-<store>-repartition}). Uses the default serdes
   * for the new key and value; see {@link #groupBy(KeyValueMapper, Grouped)}.
   *
   * <pre>{@code
   * KTable<String, Long> usersPerRegion = users.groupBy((id, user) -> KeyValue.pair(user.region(), user)).count();
   * }</pre>
   *
   * @param selector a row's key and value → the group key and the value to aggregate (a null key or
   *     value leaves the row out)
   * @param <KR> the group key type
   * @param <VR> the grouped value type
   * @return the grouped table
   * @throws NullPointerException if {@code selector} is null
   * @see KGroupedTable
   * @see KStream#groupBy(KeyValueMapper)
   */
  public <KR, VR> KGroupedTable<KR, VR> groupBy(KeyValueMapper<? super K, ? super V, KeyValue<KR, VR>> selector) {
    return groupBy(selector, new Grouped<>(null, null, null));
  }

  /**
   * {@link #groupBy(KeyValueMapper)} with the serdes of the new key and value (for the repartition
   * topic) and the repartition topic's name.
   *
   * @param selector a row's key and value → the group key and the value to aggregate
   * @param grouped serdes of the new key and value (null: the defaults) and the repartition topic's name
   * @param <KR> the group key type
   * @param <VR> the grouped value type
   * @return the grouped table
   * @throws NullPointerException if an argument is null
   */
  public <KR, VR> KGroupedTable<KR, VR> groupBy(KeyValueMapper<? super K, ? super V, KeyValue<KR, VR>> selector, Grouped<KR, VR> grouped) {
    Objects.requireNonNull(selector, "selector");
    Objects.requireNonNull(grouped, "grouped");
    String name = graph().newName("KTABLE-SELECT");
    graph().addProcessor(name, io.courant.stream.dsl.internal.Aggregations.<K, V, KR, VR>tableSelect(selector), node);
    return new KGroupedTable<>(new KStream<>(builder, name, grouped.keySerde(), null, true), grouped.name(), grouped.keySerde(),
        grouped.valueSerde());
  }

  /**
   * Inner table–table join: a key has a result while both tables have a value for it; every update
   * of either side updates (or deletes) the result. Stateful (reads both tables' stores); the tables
   * must be co-partitioned; does not repartition.
   *
   * <pre>{@code
   * KTable<String, String> profile = users.join(addresses, (user, address) -> user.name() + ", " + address.city());
   * }</pre>
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value → the result value
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   * @see #leftJoin(KTable, ValueJoiner)
   * @see #outerJoin(KTable, ValueJoiner)
   * @see #join(KTable, java.util.function.Function, ValueJoiner)
   */
  public <VO, VR> KTable<K, VR> join(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.INNER, null);
  }

  /**
   * {@link #join(KTable, ValueJoiner)} into a named, queryable store.
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value → the result value
   * @param materialized the store's name and serdes
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   */
  public <VO, VR> KTable<K, VR> join(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      Materialized<K, VR> materialized) {
    return tableJoin(other, joiner, Joins.Kind.INNER, materialized);
  }

  /**
   * Left table–table join: a key has a result while this table has a value (joined with null while
   * the other has none). Stateful; co-partitioned; does not repartition.
   *
   * <pre>{@code
   * KTable<String, String> withAddress = users.leftJoin(addresses, (u, a) -> u.name() + (a == null ? "" : ", " + a.city()));
   * }</pre>
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value (null when absent) → the result value
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   * @see #join(KTable, ValueJoiner)
   */
  public <VO, VR> KTable<K, VR> leftJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.LEFT, null);
  }

  /**
   * {@link #leftJoin(KTable, ValueJoiner)} into a named, queryable store.
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value (null when absent) → the result value
   * @param materialized the store's name and serdes
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   */
  public <VO, VR> KTable<K, VR> leftJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      Materialized<K, VR> materialized) {
    return tableJoin(other, joiner, Joins.Kind.LEFT, materialized);
  }

  /**
   * Outer table–table join: a key has a result while either table has a value (the absent side is
   * null). Stateful; co-partitioned; does not repartition.
   *
   * <pre>{@code
   * KTable<String, String> either = left.outerJoin(right, (l, r) -> l + "/" + r);
   * }</pre>
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value (either null when absent) → the result value
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   * @see #join(KTable, ValueJoiner)
   */
  public <VO, VR> KTable<K, VR> outerJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.OUTER, null);
  }

  /**
   * {@link #outerJoin(KTable, ValueJoiner)} into a named, queryable store.
   *
   * @param other the other table (same key)
   * @param joiner this value and the other value (either null when absent) → the result value
   * @param materialized the store's name and serdes
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table
   * @throws NullPointerException if {@code other} or {@code joiner} is null
   */
  public <VO, VR> KTable<K, VR> outerJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      Materialized<K, VR> materialized) {
    return tableJoin(other, joiner, Joins.Kind.OUTER, materialized);
  }

  private <VO, VR> KTable<K, VR> tableJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner, Joins.Kind kind,
      Materialized<K, VR> materialized) {
    Objects.requireNonNull(other, "other");
    Objects.requireNonNull(joiner, "joiner");
    String store = materialized == null ? null
        : materialized.storeName() != null ? materialized.storeName() : graph().newStoreName("KTABLE-JOIN");
    Serde<K> ks = materialized != null && materialized.keySerde() != null ? materialized.keySerde() : keySerde;
    Serde<VR> vs = materialized != null ? materialized.valueSerde() : null;
    String merge = Joins.tableTable(graph(), getter, other.getter, node, other.node, joiner, kind, store);
    if (store != null) {
      graph().addStore(StoreSpec.keyValue(store, ks, vs), merge);
    }
    Set<String> stores = new HashSet<>(getter.stores());
    stores.addAll(other.getter.stores());
    ValueGetterSupplier<K, VR> g = store != null ? ValueGetterSupplier.ofStore(store) : new ValueGetterSupplier<>(stores, ctx -> {
      var l = getter.get(ctx);
      var r = other.getter.get(ctx);
      return k -> Joins.combine(kind, l.apply(k), r.apply(k), joiner);
    });
    return new KTable<>(builder, merge, ks, vs, g, materialized != null ? materialized.storeName() : null, null);
  }

  /**
   * Foreign-key join: each entry of this table is joined with the entry of {@code other} whose key
   * {@code foreignKeyExtractor} finds in this entry's value (many-to-one); an update of either side
   * updates the results, and an entry whose foreign key has no entry (or is null) has no result.
   * Runs through two internal topics (subscription and response), so the tables need not be
   * co-partitioned. Stateful; repartitions.
   *
   * <pre>{@code
   * KTable<String, String> orderWithCustomer = orders.join(customers, Order::customerId, (o, c) -> o.id() + " for " + c.name());
   * }</pre>
   *
   * @param other the table the foreign keys refer to
   * @param foreignKeyExtractor this table's value → the other table's key
   * @param joiner this value and the other value → the result value
   * @param <KO> the other table's key type
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table (its key is this table's key)
   * @throws NullPointerException if an argument is null
   * @see #leftJoin(KTable, java.util.function.Function, ValueJoiner)
   * @see #join(KTable, ValueJoiner)
   */
  public <KO, VO, VR> KTable<K, VR> join(KTable<KO, VO> other, java.util.function.Function<V, KO> foreignKeyExtractor,
      ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return foreignKeyJoin(other, foreignKeyExtractor, joiner, false);
  }

  /**
   * Left foreign-key join: every entry of this table has a result, joined with null while its foreign
   * key is null or has no entry in {@code other}. Stateful; repartitions.
   *
   * <pre>{@code
   * KTable<String, String> orderWithCustomer = orders.leftJoin(customers, Order::customerId,
   *     (o, c) -> o.id() + " for " + (c == null ? "?" : c.name()));
   * }</pre>
   *
   * @param other the table the foreign keys refer to
   * @param foreignKeyExtractor this table's value → the other table's key (null: no partner)
   * @param joiner this value and the other value (null when absent) → the result value
   * @param <KO> the other table's key type
   * @param <VO> the other table's value type
   * @param <VR> the result type
   * @return the joined table (its key is this table's key)
   * @throws NullPointerException if an argument is null
   * @see #join(KTable, java.util.function.Function, ValueJoiner)
   */
  public <KO, VO, VR> KTable<K, VR> leftJoin(KTable<KO, VO> other, java.util.function.Function<V, KO> foreignKeyExtractor,
      ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return foreignKeyJoin(other, foreignKeyExtractor, joiner, true);
  }

  private <KO, VO, VR> KTable<K, VR> foreignKeyJoin(KTable<KO, VO> other, java.util.function.Function<V, KO> fk,
      ValueJoiner<? super V, ? super VO, ? extends VR> joiner, boolean left) {
    Objects.requireNonNull(other, "other");
    Objects.requireNonNull(fk, "foreignKeyExtractor");
    Objects.requireNonNull(joiner, "joiner");
    String result = Joins.foreignKey(graph(), this.node, this.getter, this.keySerde, this.valueSerde, other.node, other.getter,
        other.keySerde, other.valueSerde, fk, joiner, left);
    ValueGetterSupplier<K, VR> none = new ValueGetterSupplier<>(Set.of(), ctx -> {
      throw new IllegalStateException("the result of a foreign-key join cannot be looked up by key here: turn it into a stream "
          + "(toStream().toTable(Materialized.as(...))) first");
    });
    return new KTable<>(builder, result, keySerde, null, none, null, null);
  }
}
