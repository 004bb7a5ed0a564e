package io.courant.stream.dsl;

/** A scheduled punctuation ({@link ProcessorContext#schedule}). */
@FunctionalInterface
public interface Cancellable {
  /** Stops the punctuation. */
  void cancel();
}
