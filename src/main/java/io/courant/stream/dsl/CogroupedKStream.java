package io.courant.stream.dsl;

import io.courant.stream.dsl.internal.Aggregations;
import io.courant.stream.dsl.internal.Lambda;
import io.courant.stream.dsl.internal.StoreSpec;
import io.courant.stream.dsl.internal.ValueGetterSupplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Several grouped streams aggregated into one table ({@link KGroupedStream#cogroup}): each input
 * has its own aggregator, all update the same aggregate per key, in one store. Stateful; inputs
 * whose key changed are repartitioned; all inputs must be co-partitioned.
 *
 * <pre>{@code
 * KTable<String, Totals> totals = orders.groupByKey().cogroup(Totals::addOrder)
 *     .cogroup(refunds.groupByKey(), Totals::addRefund)
 *     .aggregate(Totals::new, Materialized.with(Serdes.String(), Serdes.Json(Totals.class)));
 * }</pre>
 *
 * @param <K> the key type
 * @param <VOut> the aggregate type
 */
public final class CogroupedKStream<K, VOut> {
  private record Input<K, VOut>(KGroupedStream<K, ?> grouped, Aggregator<? super K, ?, VOut> aggregator) {}

  private final StreamsBuilder builder;
  private final List<Input<K, VOut>> inputs = new ArrayList<>();

  CogroupedKStream(StreamsBuilder builder) {
    this.builder = builder;
  }

  /** Adds a grouped stream with its aggregator. */
  public <V> CogroupedKStream<K, VOut> cogroup(KGroupedStream<K, V> grouped, Aggregator<? super K, ? super V, VOut> aggregator) {
    inputs.add(new Input<>(Objects.requireNonNull(grouped, "grouped"), Objects.requireNonNull(aggregator, "aggregator")));
    return this;
  }

  /** The aggregate per key, starting from {@code initializer}. */
  public KTable<K, VOut> aggregate(Initializer<VOut> initializer) {
    return aggregate(initializer, Materialized.with(inputs.get(0).grouped().keySerde, null));
  }

  /** {@link #aggregate(Initializer)} into a named, queryable store. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public KTable<K, VOut> aggregate(Initializer<VOut> initializer, Materialized<K, VOut> materialized) {
    Objects.requireNonNull(initializer, "initializer");
    var graph = builder.graph;
    String store = materialized.storeName() != null ? materialized.storeName() : graph.newStoreName("COGROUPKSTREAM-AGGREGATE");
    Serde<K> ks = materialized.keySerde() != null ? materialized.keySerde() : inputs.get(0).grouped().keySerde;
    List<String> parents = new ArrayList<>();
    int i = 0;
    for (Input<K, VOut> in : inputs) {
      KStream<K, ?> stream = in.grouped().input(store + "-" + i++);
      String name = graph.newName("COGROUPKSTREAM-AGGREGATE");
      Aggregator agg = in.aggregator();
      graph.addProcessor(name, Aggregations.perKey(store, (k, v, old) -> (VOut) agg.apply(k, v, old == null ? initializer.apply() : old)),
          stream.node);
      parents.add(name);
    }
    graph.addStore(StoreSpec.keyValue(store, ks, materialized.valueSerde()), parents.toArray(String[]::new));
    String merge = graph.newName("COGROUPKSTREAM-MERGE");
    graph.addProcessor(merge, Lambda.processor((r, c) -> c.forward(r)), parents.toArray(String[]::new));
    return new KTable<>(builder, merge, ks, materialized.valueSerde(), ValueGetterSupplier.ofStore(store), materialized.storeName(), null);
  }
}
