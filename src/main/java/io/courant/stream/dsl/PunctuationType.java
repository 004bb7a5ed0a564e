package io.courant.stream.dsl;

/** When a {@link Punctuator} runs: as stream time (the highest record timestamp seen) or wall-clock time advances. */
public enum PunctuationType {
  STREAM_TIME,
  WALL_CLOCK_TIME
}
