package io.courant.stream.dsl;

/**
 * Combines an aggregate with a new value of the same type ({@link KGroupedStream#reduce}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Reducer<V> {
  V apply(V aggregate, V value);
}
