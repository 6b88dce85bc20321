package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/** Fractions of a host's limits (capacity x ratio) in use once the desktop is placed. */
final class Utilization {

  private Utilization() {}

  static double cpuAfter(HostView host, PlacementRequest request) {
    return fraction(host.allocatedVcpus() + request.size().vcpus(), host.limit().vcpus());
  }

  static double memoryAfter(HostView host, PlacementRequest request) {
    return fraction(
        host.allocatedMemoryMib() + request.size().memoryMib(), host.limit().memoryMib());
  }

  private static double fraction(long used, long limit) {
    return limit == 0 ? 1.0 : Math.min(1.0, (double) used / limit);
  }
}
