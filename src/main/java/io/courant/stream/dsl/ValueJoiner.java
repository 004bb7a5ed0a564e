package io.courant.stream.dsl;

/**
 * Combines the values of two joined records; in left and outer joins the missing side is null.
 *
 * @see KStream
 */
@FunctionalInterface
public interface ValueJoiner<V1, V2, VR> {
  VR apply(V1 value1, V2 value2);
}
