package io.veneer.testsupport.time;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting on real timers for what a running system does by itself: a condition that must come true
 * within a patience, or one that must stay true for a while. Patience is a bound for a loaded
 * machine, never a measure: a test states what happens, not how fast.
 */
public final class Eventually {

  private static final long POLL_MILLIS = 50;

  private Eventually() {}

  /** Returns once {@code condition} holds; fails naming {@code what} if it did not within. */
  public static void await(Duration patience, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + patience + ": " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Fails naming {@code what} as soon as {@code condition} does not hold during {@code period}. */
  public static void holdsFor(Duration period, String what, BooleanSupplier condition)
      throws InterruptedException {
    long start = System.nanoTime();
    long end = start + period.toNanos();
    while (System.nanoTime() < end) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError(
            "No longer true after "
                + Duration.ofNanos(System.nanoTime() - start)
                + " of "
                + period
                + ": "
                + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
