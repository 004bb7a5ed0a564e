package io.courant.stream.dsl;

/**
 * The initial aggregate of a new key or window ({@link KGroupedStream#aggregate}).
 *
 * @see KStream
 */
@FunctionalInterface
public interface Initializer<VA> {
  VA apply();
}
