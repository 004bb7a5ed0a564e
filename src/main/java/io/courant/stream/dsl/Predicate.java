package io.courant.stream.dsl;

/**
 * A test on a record's key and value ({@link KStream#filter}, {@link KTable#filter}, {@link BranchedKStream#branch}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Predicate<K, V> {
  /** @return true to keep the record */
  boolean test(K key, V value);
}
