package io.courant.stream.dsl;

/**
 * A scheduled punctuation ({@link ProcessorContext#schedule}).
 *
 * <pre>{@code
 * Cancellable tick = context.schedule(Duration.ofSeconds(10), PunctuationType.WALL_CLOCK_TIME, now -> flush());
 * tick.cancel();
 * }</pre>
 */
@FunctionalInterface
public interface Cancellable {
  /** Stops the punctuation. */
  void cancel();
}
