package io.courant.stream.dsl;

/**
 * When a {@link Punctuator} runs: as stream time (the highest record timestamp seen) or wall-clock time advances.
 *
 * <pre>{@code
 * context.schedule(Duration.ofSeconds(30), PunctuationType.WALL_CLOCK_TIME, now -> flushExpired(now));
 * }</pre>
 */
public enum PunctuationType {
  /**
   * Runs as stream time (the highest record timestamp of the task) advances.
   */
  STREAM_TIME,
  /** Runs as the wall clock advances (checked between polls; {@link TopologyTestDriver#advanceWallClockTime} in tests). */
  WALL_CLOCK_TIME
}
