package io.courant.stream.dsl;

/**
 * Maps a value to a new value, the key unchanged ({@link KStream#mapValues}, {@link KTable#mapValues}).
 *
 * <pre>{@code
 * KStream<String, String> upper = lines.mapValues(String::toUpperCase);
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface ValueMapper<V, VR> {
  /**
   * Maps one value.
   *
   * @param value the record's value
   * @return the new value
   */
  VR apply(V value);
}
