package io.courant.stream.dsl;

/**
 * Maps a value to a new value, seeing the (read-only) key ({@link KStream#mapValues(ValueMapperWithKey)}).
 *
 * <pre>{@code
 * KStream<String, String> tagged = lines.mapValues((key, line) -> key + ": " + line);
 * }</pre>
 *
 * @see ValueMapper
 */
@FunctionalInterface
public interface ValueMapperWithKey<K, V, VR> {
  /**
   * Maps one value, seeing the key.
   *
   * @param readOnlyKey the record's key (must not be changed)
   * @param value the record's value
   * @return the new value
   */
  VR apply(K readOnlyKey, V value);
}
