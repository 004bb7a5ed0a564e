package io.courant.stream.dsl;

/**
 * A time window {@code [start, end)} (for session windows both ends are record timestamps and
 * inclusive).
 *
 * <pre>{@code
 * windowedCounts.toStream().foreach((w, n) -> System.out.println(w.key() + " [" + w.window().start() + ", " + w.window().end() + "): " + n));
 * }</pre>
 *
 * @param start the start, ms
 * @param end the end, ms
 */
public record Window(long start, long end) {
  /**
   * Checks the components.
   *
   * @param start the start, ms
   * @param end the end, ms
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public Window {
    if (end < start) {
      throw new IllegalArgumentException("a window's end (" + end + ") must not be before its start (" + start + ")");
    }
  }
}
