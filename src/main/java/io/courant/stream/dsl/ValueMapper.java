package io.courant.stream.dsl;

/**
 * Maps a value to a new value, the key unchanged ({@link KStream#mapValues}, {@link KTable#mapValues}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface ValueMapper<V, VR> {
  VR apply(V value);
}
