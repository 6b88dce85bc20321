package io.veneer.agent.connection;

import java.time.Duration;

/**
 * How long the agent waits before reopening a lost stream: the base doubles with every failure in a
 * row from {@code first} up to {@code max}, and each wait is jittered to between half and one and a
 * half times its base, so that a fleet cut off together by a control-plane restart does not come
 * back in one wave.
 */
record ReconnectBackoff(Duration first, Duration max) {

  static final ReconnectBackoff STANDARD =
      new ReconnectBackoff(Duration.ofMillis(250), Duration.ofSeconds(30));

  ReconnectBackoff {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max, not " + first + ", " + max);
    }
  }

  /**
   * @param failures consecutive failures so far, at least 1
   * @param jitter a random number in [0, 1)
   */
  Duration delay(int failures, double jitter) {
    if (failures < 1 || jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("failures=" + failures + " jitter=" + jitter);
    }
    // The shift is bounded so that it cannot overflow; max caps the base long before that.
    long base = Math.min(max.toMillis(), first.toMillis() << Math.min(failures - 1, 30));
    return Duration.ofMillis((long) (base * (0.5 + jitter)));
  }
}
