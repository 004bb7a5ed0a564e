package io.courant.stream.dsl;

/**
 * A callback scheduled with {@link ProcessorContext#schedule}.
 *
 * @see KStream
 */
@FunctionalInterface
public interface Punctuator {
  void punctuate(long timestamp);
}
