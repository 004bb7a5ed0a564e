package io.courant.stream.dsl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixed-size windows aligned to the epoch: tumbling ({@code advance == size}) or hopping ({@code
 * advanceBy} smaller than the size, so a record falls into {@code size / advance} windows). A window
 * {@code [start, start + size)} accepts records until stream time reaches {@code end + grace};
 * later ones are dropped and counted ({@code dropped-records-total}). Immutable.
 *
 * <pre>{@code
 * views.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10))).count();
 * }</pre>
 *
 * @param sizeMs the window size
 * @param advanceMs the hop between window starts
 * @param graceMs how long after its end a window still accepts out-of-order records
 * @see SlidingWindows
 * @see SessionWindows
 */
public record TimeWindows(long sizeMs, long advanceMs, long graceMs) {
  /**
   * Checks the components.
   *
   * @param sizeMs the window size
   * @param advanceMs the hop between window starts
   * @param graceMs how long after its end a window still accepts out-of-order records
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public TimeWindows {
    if (sizeMs <= 0) {
      throw new IllegalArgumentException("a window size must be > 0 ms, not " + sizeMs);
    }
    if (advanceMs <= 0 || advanceMs > sizeMs) {
      throw new IllegalArgumentException("a window advance must be > 0 and <= the size (" + sizeMs + " ms), not " + advanceMs);
    }
    if (graceMs < 0) {
      throw new IllegalArgumentException("a grace period must be >= 0 ms, not " + graceMs);
    }
  }

  /**
   * Tumbling windows of {@code size} that accept no out-of-order record after their end.
   *
   * @param size the window size
   * @return the windows
   */
  public static TimeWindows ofSizeWithNoGrace(Duration size) {
    return new TimeWindows(size.toMillis(), size.toMillis(), 0);
  }

  /**
   * Tumbling windows of {@code size} that accept out-of-order records until {@code grace} after their end.
   *
   * @param size the window size
   * @param grace how long after the window end late records are still accepted
   * @return the windows
   */
  public static TimeWindows ofSizeAndGrace(Duration size, Duration grace) {
    return new TimeWindows(size.toMillis(), size.toMillis(), grace.toMillis());
  }

  /**
   * Hopping windows: a copy whose windows start every {@code advance}.
   *
   * @param advance the distance between window starts
   * @return hopping windows with this advance
   */
  public TimeWindows advanceBy(Duration advance) {
    return new TimeWindows(sizeMs, advance.toMillis(), graceMs);
  }

  /**
   * The starts of the windows that contain {@code timestamp}, oldest first.
   *
   * @param timestamp the timestamp (epoch ms)
   * @return the starts of the windows that hold the timestamp, oldest first
   */
  public List<Long> windowStartsFor(long timestamp) {
    long latest = timestamp - Math.floorMod(timestamp, advanceMs);
    List<Long> starts = new ArrayList<>();
    for (long start = Math.max(0, latest - sizeMs + advanceMs); start <= latest; start += advanceMs) {
      if (start + sizeMs > timestamp) {
        starts.add(start);
      }
    }
    return starts;
  }
}
