package io.courant.stream.dsl.internal;

import io.courant.stream.dsl.KeyValueStore;
import io.courant.stream.dsl.ProcessorContext;
import java.util.Set;
import java.util.function.Function;

/**
 * How a processor reads a table's current value for a key (joins): from the table's store, or
 * through the filters and mappers of a table derived from a stored one.
 */
public record ValueGetterSupplier<K, V>(Set<String> stores, Function<ProcessorContext<?, ?>, Function<K, V>> factory) {
  /** Reads a key-value store. */
  public static <K, V> ValueGetterSupplier<K, V> ofStore(String store) {
    return new ValueGetterSupplier<>(Set.of(store), ctx -> {
      KeyValueStore<K, V> s = ctx.getStateStore(store);
      return s::get;
    });
  }

  public Function<K, V> get(ProcessorContext<?, ?> ctx) {
    return factory.apply(ctx);
  }

  /** This getter with its values mapped (null stays null unless the mapper maps it). */
  public <VR> ValueGetterSupplier<K, VR> map(java.util.function.BiFunction<K, V, VR> f) {
    return new ValueGetterSupplier<>(stores, ctx -> {
      Function<K, V> g = get(ctx);
      return k -> f.apply(k, g.apply(k));
    });
  }
}
