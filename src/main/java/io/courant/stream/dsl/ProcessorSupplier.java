package io.courant.stream.dsl;

/**
 * Makes a new {@link Processor} for each task (each partition) that runs it ({@link KStream#process}).
 *
 * <pre>{@code
 * stream.process(() -> new Deduplicator(), "seen");   // a new processor per task, never a shared one
 * }</pre>
 *
 * @see KStream
 */
@FunctionalInterface
public interface ProcessorSupplier<KIn, VIn, KOut, VOut> {
  /**
   * A new processor, one per task; never a shared instance.
   *
   * @return a new processor
   */
  Processor<KIn, VIn, KOut, VOut> get();
}
