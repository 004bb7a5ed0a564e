package io.courant.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Awaits a condition with a deadline (the tests never sleep for a fixed time to let something happen). */
public final class Await {
  private Await() {}

  /**
   * Checks {@code condition} every {@code every} until it holds; fails the test with {@code what}
   * if it does not within {@code timeout}.
   */
  public static void until(String what, Duration timeout, Duration every, Callable<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!condition.call()) {
        if (System.nanoTime() > deadline) {
          fail(what + ": not reached within " + timeout);
        }
        LockSupport.parkNanos(every.toNanos());
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@link #until} checking every 20 ms. */
  public static void until(String what, Duration timeout, Callable<Boolean> condition) {
    until(what, timeout, Duration.ofMillis(20), condition);
  }
}
