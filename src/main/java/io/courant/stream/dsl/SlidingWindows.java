package io.courant.stream.dsl;

import java.time.Duration;

/**
 * Windows of a fixed length that slide with the records: two records fall into one window when
 * their timestamps differ by at most {@code timeDifference}. As in Kafka Streams, each record
 * defines a window {@code [t - timeDifference, t]} ending at it and one starting just after it,
 * and an aggregate is kept for every window that holds a distinct set of records. Immutable.
 *
 * <pre>{@code
 * events.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5))).count();
 * }</pre>
 *
 * @param timeDifferenceMs the largest time difference between records of one window
 * @param graceMs how long after its end a window still accepts out-of-order records
 */
public record SlidingWindows(long timeDifferenceMs, long graceMs) {
  /**
   * Checks the components.
   *
   * @param timeDifferenceMs the largest time difference between records of one window
   * @param graceMs how long after its end a window still accepts out-of-order records
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public SlidingWindows {
    if (timeDifferenceMs <= 0) {
      throw new IllegalArgumentException("a sliding window's time difference must be > 0 ms, not " + timeDifferenceMs);
    }
    if (graceMs < 0) {
      throw new IllegalArgumentException("a grace period must be >= 0 ms, not " + graceMs);
    }
  }

  /**
   * No out-of-order records after a window's end.
   *
   * @param timeDifference the largest time difference between records of one window
   * @return the windows
   */
  public static SlidingWindows ofTimeDifferenceWithNoGrace(Duration timeDifference) {
    return new SlidingWindows(timeDifference.toMillis(), 0);
  }

  /**
   * Out-of-order records accepted until {@code grace} after a window's end.
   *
   * @param timeDifference the largest time difference between records of one window
   * @param grace how long after the window end late records are still accepted
   * @return the windows
   */
  public static SlidingWindows ofTimeDifferenceAndGrace(Duration timeDifference, Duration grace) {
    return new SlidingWindows(timeDifference.toMillis(), grace.toMillis());
  }
}
