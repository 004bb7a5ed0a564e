package io.courant.stream.dsl;

/**
 * An action on each record ({@link KStream#foreach}, {@link KStream#peek}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface ForeachAction<K, V> {
  void apply(K key, V value);
}
