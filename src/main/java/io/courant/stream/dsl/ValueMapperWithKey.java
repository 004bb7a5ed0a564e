package io.courant.stream.dsl;

/**
 * Maps a value to a new value, seeing the (read-only) key ({@link KStream#mapValues(ValueMapperWithKey)}).
 *
 * @see ValueMapper
 */
@FunctionalInterface
public interface ValueMapperWithKey<K, V, VR> {
  VR apply(K readOnlyKey, V value);
}
