package io.courant.stream.dsl.internal;

/** One step of an aggregation: the new aggregate from a record and the previous aggregate (null: none yet). */
@FunctionalInterface
public interface AggFn<K, V, VA> {
  VA apply(K key, V value, VA previous);
}
