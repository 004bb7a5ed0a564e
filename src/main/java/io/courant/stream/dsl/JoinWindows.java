package io.courant.stream.dsl;

import java.time.Duration;

/**
 * The window of a stream–stream join: a record at {@code t} joins the other stream's records of
 * the same key with timestamps in {@code [t - before, t + after]}. Records that found no partner
 * (left and outer joins) are emitted with a null partner once stream time passes {@code t + after +
 * grace}; records later than that are dropped and counted. Immutable.
 *
 * <pre>{@code
 * views.join(clicks, (v, c) -> v + "->" + c, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMinutes(5), Duration.ofSeconds(30)));
 * }</pre>
 *
 * @param beforeMs how far back the other stream's records may be
 * @param afterMs how far ahead the other stream's records may be
 * @param graceMs how long after the window the join still accepts out-of-order records
 */
public record JoinWindows(long beforeMs, long afterMs, long graceMs) {
  /**
   * Checks the components.
   *
   * @param beforeMs how far back the other stream's records may be
   * @param afterMs how far ahead the other stream's records may be
   * @param graceMs how long after the window the join still accepts out-of-order records
   * @throws IllegalArgumentException if one is out of range (the message says which and what is allowed)
   */
  public JoinWindows {
    if (beforeMs < 0 || afterMs < 0 || graceMs < 0) {
      throw new IllegalArgumentException("join window before, after and grace must be >= 0 ms, not " + beforeMs + ", " + afterMs + ", " + graceMs);
    }
  }

  /**
   * Records at most {@code timeDifference} apart join; no out-of-order records after the window.
   *
   * @param timeDifference the largest time difference between records of one window
   * @return the join windows
   */
  public static JoinWindows ofTimeDifferenceWithNoGrace(Duration timeDifference) {
    return new JoinWindows(timeDifference.toMillis(), timeDifference.toMillis(), 0);
  }

  /**
   * Records at most {@code timeDifference} apart join; out-of-order records accepted for {@code grace}.
   *
   * @param timeDifference the largest time difference between records of one window
   * @param grace how long after the window end late records are still accepted
   * @return the join windows
   */
  public static JoinWindows ofTimeDifferenceAndGrace(Duration timeDifference, Duration grace) {
    return new JoinWindows(timeDifference.toMillis(), timeDifference.toMillis(), grace.toMillis());
  }

  /**
   * A copy reaching {@code before} back.
   *
   * @param before how long before a record the other side's records may be
   * @return the join windows
   */
  public JoinWindows before(Duration before) {
    return new JoinWindows(before.toMillis(), afterMs, graceMs);
  }

  /**
   * A copy reaching {@code after} ahead.
   *
   * @param after how long after a record the other side's records may be
   * @return the join windows
   */
  public JoinWindows after(Duration after) {
    return new JoinWindows(beforeMs, after.toMillis(), graceMs);
  }
}
