package io.courant.stream.dsl;

/**
 * What {@link KTable#suppress} holds back. {@code untilWindowCloses} keeps each window's latest
 * result and emits it once, when stream time passes the window's end plus its grace: a windowed
 * count then emits only final counts.
 *
 * <pre>{@code
 * counts.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
 * }</pre>
 */
public final class Suppressed {
  private Suppressed() {}

  /**
   * Only final results of windows (the table must be the result of a windowed aggregation).
   *
   * @param bufferConfig the buffer (only unbounded)
   * @return the suppression
   */
  public static Suppressed untilWindowCloses(BufferConfig bufferConfig) {
    java.util.Objects.requireNonNull(bufferConfig, "bufferConfig");
    return new Suppressed();
  }

  /** The suppression buffer's bounds; Courant's buffer is a store event-sourced with the others, unbounded. */
  public static final class BufferConfig {
    private BufferConfig() {}

    /**
     * No bound.
     *
     * @return the suppression
     */
    public static BufferConfig unbounded() {
      return new BufferConfig();
    }
  }
}
