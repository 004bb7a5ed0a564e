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

  /** The name of this table's queryable store, or null if it was not materialized with a name. */
  public String queryableStoreName() {
    return queryableStoreName;
  }

  /** Keeps the entries that satisfy {@code predicate} (others read as deleted). Stateless; does not repartition. */
  public KTable<K, V> filter(Predicate<? super K, ? super V> predicate) {
    return filter(predicate, null);
  }

  /** {@link #filter(Predicate)} into a named, queryable store. */
  public KTable<K, V> filter(Predicate<? super K, ? super V> predicate, Materialized<K, V> materialized) {
    Objects.requireNonNull(predicate, "predicate");
    return derive("KTABLE-FILTER", (k, v) -> v != null && predicate.test(k, v) ? v : null, valueSerde, materialized);
  }

  /** Keeps the entries that do not satisfy {@code predicate}. Stateless. */
  public KTable<K, V> filterNot(Predicate<? super K, ? super V> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return filter((k, v) -> !predicate.test(k, v));
  }

  /** Maps every value (deletes stay deletes). Stateless; does not repartition. */
  public <VR> KTable<K, VR> mapValues(ValueMapper<? super V, ? extends VR> mapper) {
    return mapValues(mapper, null);
  }

  /** {@link #mapValues(ValueMapper)} into a named, queryable store. */
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

  /** The table's updates as a stream: each new value (null for a delete). Stateless. */
  public KStream<K, V> toStream() {
    String name = graph().newName("KTABLE-TOSTREAM");
    graph().addProcessor(name, Lambda.<K, Change<V>, K, V>processor((r, c) -> c.forward(r.withValue(r.value().newValue()))), node);
    return new KStream<>(builder, name, keySerde, valueSerde, false);
  }

  /** The updates as a stream with a new key per update. Stateless; marks the stream for repartitioning. */
  public <KR> KStream<KR, V> toStream(KeyValueMapper<? super K, ? super V, ? extends KR> mapper) {
    return toStream().selectKey(mapper);
  }

  /**
   * Holds back updates of a windowed aggregation and emits each window's final result once, when
   * stream time passes the window's end plus grace ({@link Suppressed#untilWindowCloses}).
   * Stateful (the buffer is a store event-sourced with the others); does not repartition.
   *
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
   * Inner table–table join: a key has a result while both tables have a value for it; every
   * update on either side updates the result. Stateful (reads both stores); the tables must be
   * co-partitioned.
   */
  public <VO, VR> KTable<K, VR> join(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.INNER, null);
  }

  /** {@link #join(KTable, ValueJoiner)} into a named, queryable store. */
  public <VO, VR> KTable<K, VR> join(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      Materialized<K, VR> materialized) {
    return tableJoin(other, joiner, Joins.Kind.INNER, materialized);
  }

  /** Left table–table join: a key has a result while this table has a value (the other's may be null). */
  public <VO, VR> KTable<K, VR> leftJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.LEFT, null);
  }

  /** {@link #leftJoin(KTable, ValueJoiner)} into a named, queryable store. */
  public <VO, VR> KTable<K, VR> leftJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner,
      Materialized<K, VR> materialized) {
    return tableJoin(other, joiner, Joins.Kind.LEFT, materialized);
  }

  /** Outer table–table join: a key has a result while either table has a value. */
  public <VO, VR> KTable<K, VR> outerJoin(KTable<K, VO> other, ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return tableJoin(other, joiner, Joins.Kind.OUTER, null);
  }

  /** {@link #outerJoin(KTable, ValueJoiner)} into a named, queryable store. */
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
   * updates the results. Runs through two internal topics (subscription and response), so the two
   * tables need not be co-partitioned. Stateful; repartitions.
   */
  public <KO, VO, VR> KTable<K, VR> join(KTable<KO, VO> other, java.util.function.Function<V, KO> foreignKeyExtractor,
      ValueJoiner<? super V, ? super VO, ? extends VR> joiner) {
    return foreignKeyJoin(other, foreignKeyExtractor, joiner, false);
  }

  /** Left foreign-key join: every entry of this table has a result, joined with null while the foreign key has no entry. */
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
