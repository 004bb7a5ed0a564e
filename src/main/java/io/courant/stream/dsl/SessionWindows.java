package io.courant.stream.dsl;

import java.time.Duration;

/**
 * Sessions: a key's records closer than {@code inactivityGap} to each other form one window
 * {@code [first, last]}; a record that bridges two sessions merges them (their aggregates are
 * combined with the {@link Merger}, and the old sessions are replaced by tombstones). Immutable.
 *
 * <pre>{@code
 * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMinutes(30), Duration.ofMinutes(1))).count();
 * }</pre>
 *
 * @param inactivityGapMs the gap that ends a session
 * @param graceMs how long after its end a session still accepts out-of-order records
 */
public record SessionWindows(long inactivityGapMs, long graceMs) {
  /**
   * Checks the components.
   *
   * @param inactivityGapMs the gap that ends a session
   * @param graceMs how long after its end a session still accepts out-of-order records
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public SessionWindows {
    if (inactivityGapMs <= 0) {
      throw new IllegalArgumentException("a session's inactivity gap must be > 0 ms, not " + inactivityGapMs);
    }
    if (graceMs < 0) {
      throw new IllegalArgumentException("a grace period must be >= 0 ms, not " + graceMs);
    }
  }

  /**
   * No out-of-order records after a session's end.
   *
   * @param gap the largest gap between records of one session (the inactivity gap)
   * @return the windows
   */
  public static SessionWindows ofInactivityGapWithNoGrace(Duration gap) {
    return new SessionWindows(gap.toMillis(), 0);
  }

  /**
   * Out-of-order records accepted until {@code grace} after a session's end.
   *
   * @param gap the largest gap between records of one session (the inactivity gap)
   * @param grace how long after the window end late records are still accepted
   * @return the windows
   */
  public static SessionWindows ofInactivityGapAndGrace(Duration gap, Duration grace) {
    return new SessionWindows(gap.toMillis(), grace.toMillis());
  }
}
