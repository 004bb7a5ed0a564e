package io.courant.stream.dsl;

/**
 * Adds a record to an aggregate ({@link KGroupedStream#aggregate}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Aggregator<K, V, VA> {
  VA apply(K key, V value, VA aggregate);
}
