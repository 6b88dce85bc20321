package io.veneer.loadtests.report;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a set of milliseconds. */
public record Percentiles(int count, long p50, long p90, long p99, long max) {

  public static Percentiles of(Collection<Long> millis) {
    long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return new Percentiles(0, 0, 0, 0, 0);
    }
    return new Percentiles(
        sorted.length,
        rank(sorted, 50),
        rank(sorted, 90),
        rank(sorted, 99),
        Arrays.stream(sorted).max().orElse(0));
  }

  private static long rank(long[] sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)];
  }

  @Override
  public String toString() {
    return count == 0
        ? "none"
        : String.format(
            "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms (n=%d)", p50, p90, p99, max, count);
  }
}
