package io.veneer.loadtests.fleet;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a simulated guest takes from start to RUNNING: a fixed time ({@code 0}, {@code 2}) or a
 * range of seconds ({@code 5-30}), from which each host draws its own.
 */
public record BootTime(Duration min, Duration max) {

  public BootTime {
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          "A boot time needs 0 <= min <= max, not " + min + ".." + max);
    }
  }

  /** {@code "0"}, {@code "2.5"} or {@code "5-30"}, in seconds. */
  public static BootTime parse(String seconds) {
    String[] parts = seconds.strip().split("-", 2);
    try {
      Duration min = seconds(parts[0]);
      return new BootTime(min, parts.length == 1 ? min : seconds(parts[1]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "A boot time is seconds such as 0, 2.5 or 5-30 (min-max), not '" + seconds + "'", e);
    }
  }

  private static Duration seconds(String text) {
    return Duration.ofMillis(Math.round(Double.parseDouble(text.strip()) * 1000));
  }

  public Duration draw(RandomGenerator random) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span == 0 ? 0 : random.nextLong(span + 1));
  }

  @Override
  public String toString() {
    return min.equals(max)
        ? min.toMillis() / 1000.0 + " s"
        : min.toMillis() / 1000.0 + "-" + max.toMillis() / 1000.0 + " s";
  }
}
