package io.veneer.scheduler;

import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.Resources;

/**
 * A host as filters and scorers see it during one placement: the snapshot plus what earlier
 * placements of the same batch added. One instance is re-pointed at each examined host, so a
 * placement over 10,000 hosts allocates nothing per host.
 */
public final class HostView {

  private HostSnapshot host;
  private long extraVcpus;
  private long extraMemoryMib;
  private long extraDiskGib;
  private int extraOfPool;
  private int extraOfUser;
  private PlacementRequest utilizationFor;
  private double cpuAfter;
  private double memoryAfter;

  HostView point(HostSnapshot snapshot, BatchLedger ledger, int index) {
    this.host = snapshot;
    this.extraVcpus = ledger.vcpus(index);
    this.extraMemoryMib = ledger.memoryMib(index);
    this.extraDiskGib = ledger.diskGib(index);
    this.extraOfPool = ledger.desktops(index);
    this.extraOfUser = ledger.desktopsOfUser(index);
    this.utilizationFor = null;
    return this;
  }

  /** Fraction of the vCPU limit in use once the request is placed here, at most 1. */
  public double cpuUtilizationAfter(PlacementRequest request) {
    computeUtilization(request);
    return cpuAfter;
  }

  /** Fraction of the memory limit in use once the request is placed here, at most 1. */
  public double memoryUtilizationAfter(PlacementRequest request) {
    computeUtilization(request);
    return memoryAfter;
  }

  // Several scorers need the same two fractions; compute them once per host and request.
  private void computeUtilization(PlacementRequest request) {
    if (utilizationFor == request) {
      return;
    }
    cpuAfter = fraction(allocatedVcpus() + request.size().vcpus(), host.limitVcpus());
    memoryAfter =
        fraction(allocatedMemoryMib() + request.size().memoryMib(), host.limitMemoryMib());
    utilizationFor = request;
  }

  private static double fraction(long used, long limit) {
    return limit == 0 ? 1.0 : Math.min(1.0, (double) used / limit);
  }

  public HostSnapshot host() {
    return host;
  }

  public long allocatedVcpus() {
    return host.allocatedVcpus() + extraVcpus;
  }

  public long allocatedMemoryMib() {
    return host.allocatedMemoryMib() + extraMemoryMib;
  }

  public long allocatedDiskGib() {
    return host.allocatedDiskGib() + extraDiskGib;
  }

  public Resources limit() {
    return host.limit();
  }

  /** Desktops of the pool here, counting those the current batch placed. */
  public int desktopsOfPool(String poolId) {
    return host.desktopsOfPool(poolId) + extraOfPool;
  }

  /** Desktops of the user here, counting those the current batch placed. */
  public int desktopsOfUser(String userId) {
    return host.desktopsOfUser(userId) + extraOfUser;
  }
}
