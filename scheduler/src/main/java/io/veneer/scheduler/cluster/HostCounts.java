package io.veneer.scheduler.cluster;

import java.util.Arrays;

/**
 * How many desktops of one pool (or one user) each host of a snapshot runs, by host index. Only the
 * hosts that run any are stored, in ascending index order beside their counts: a pool's hosts are a
 * small part of a large cluster, so this costs memory in proportion to desktops, not to hosts x
 * pools. Immutable.
 */
public final class HostCounts {

  static final HostCounts NONE = new HostCounts(new int[0], new int[0]);

  private final int[] hosts;
  private final int[] counts;

  private HostCounts(int[] hosts, int[] counts) {
    this.hosts = hosts;
    this.counts = counts;
  }

  /** The count on the host at {@code host} in snapshot order; 0 when it runs none. */
  public int at(int host) {
    int n = hosts.length;
    if (n == 0) {
      return 0;
    }
    // A binary search without data-dependent branches: placements probe every examined host, and a
    // mispredicted branch per step costs more than the step.
    int base = 0;
    while (n > 1) {
      int half = n >>> 1;
      base = hosts[base + half - 1] < host ? base + half : base;
      n -= half;
    }
    return hosts[base] == host ? counts[base] : 0;
  }

  /** Collects counts for hosts visited in ascending index order. */
  static final class Builder {
    private int[] hosts = new int[4];
    private int[] counts = new int[4];
    private int size;

    void add(int host) {
      if (size > 0 && hosts[size - 1] == host) {
        counts[size - 1]++;
        return;
      }
      if (size == hosts.length) {
        hosts = Arrays.copyOf(hosts, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
      }
      hosts[size] = host;
      counts[size] = 1;
      size++;
    }

    HostCounts build() {
      return new HostCounts(Arrays.copyOf(hosts, size), Arrays.copyOf(counts, size));
    }
  }
}
