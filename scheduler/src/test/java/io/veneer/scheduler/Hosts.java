package io.veneer.scheduler;

import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.OvercommitRatios;

/** Test hosts: 16 vCPU, 64 GiB, 1000 GiB, no overcommit unless a test says so. */
public final class Hosts {

  public static final long GIB = 1024;

  private Hosts() {}

  public static HostSnapshot.Builder host(String id) {
    return HostSnapshot.builder(id).capacity(16, 64 * GIB, 1000).ratios(OvercommitRatios.NONE);
  }

  /** A view of a host outside any batch, as filters and scorers see it. */
  public static HostView view(HostSnapshot host) {
    return HostView.of(host);
  }
}
