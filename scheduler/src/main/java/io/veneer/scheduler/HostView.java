package io.veneer.scheduler;

import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostCounts;
import io.veneer.scheduler.cluster.HostSet;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.MemoryFit;
import io.veneer.scheduler.cluster.Resources;

/**
 * A host as filters and scorers see it during one placement: the snapshot plus what earlier
 * placements of the same batch added. The engine re-points one instance at each examined host, so a
 * placement over 10,000 hosts allocates nothing per host; a plugin must not keep a reference to it
 * beyond one call. The figures below come from the snapshot's flat arrays and are cheap; {@link
 * #host()} gives everything else (labels, zone, desktops) at the cost of reading the host itself.
 */
public final class HostView {

  private final ClusterSnapshot cluster;
  private final BatchLedger ledger;
  private int index;
  private long extraVcpus;
  private long extraMemoryMib;
  private long extraDiskGib;
  private int extraDesktops;
  // What the current request looks up on every host, resolved once per placement rather than once
  // per host; keyed by identity, as every host of a placement is asked with the same strings.
  private String imageKey;
  private HostSet imageHosts;
  private String poolKey;
  private HostCounts poolCounts;
  private String userKey;
  private HostCounts userCounts;
  private PlacementRequest utilizationFor;
  private double cpuAfter;
  private double memoryAfter;

  HostView(ClusterSnapshot cluster, BatchLedger ledger) {
    this.cluster = cluster;
    this.ledger = ledger;
  }

  /** A host as it is in its snapshot, outside any batch: for testing filters and scorers. */
  public static HostView of(HostSnapshot host) {
    return new HostView(ClusterSnapshot.of(host), BatchLedger.EMPTY).point(0);
  }

  HostView point(int host) {
    this.index = host;
    int slot = ledger.slotOf(host);
    if (slot < 0) {
      extraVcpus = 0;
      extraMemoryMib = 0;
      extraDiskGib = 0;
      extraDesktops = 0;
    } else {
      extraVcpus = ledger.vcpus(slot);
      extraMemoryMib = ledger.memoryMib(slot);
      extraDiskGib = ledger.diskGib(slot);
      extraDesktops = ledger.desktops(slot);
    }
    this.utilizationFor = null;
    return this;
  }

  /** The host's own snapshot: its id, labels, zone, capacity, ratios, images and desktops. */
  public HostSnapshot host() {
    return cluster.host(index);
  }

  public HostState state() {
    return cluster.state(index);
  }

  public long allocatedVcpus() {
    return cluster.allocatedVcpus(index) + extraVcpus;
  }

  public long allocatedMemoryMib() {
    return cluster.allocatedMemoryMib(index) + extraMemoryMib;
  }

  public long allocatedDiskGib() {
    return cluster.allocatedDiskGib(index) + extraDiskGib;
  }

  /** Physical memory, before any overcommit. */
  public long capacityMemoryMib() {
    return cluster.capacityMemoryMib(index);
  }

  /**
   * What the host's guests leave unused by its agent's last recent report, or {@link
   * MemoryFit#UNOBSERVED}. Desktops this batch placed are not running yet and leave nothing.
   */
  public long unusedMemoryMib() {
    return cluster.unusedMemoryMib(index);
  }

  /** vCPU capacity times the overcommit ratio, rounded down: the most that may be allocated. */
  public long limitVcpus() {
    return cluster.limitVcpus(index);
  }

  /** Memory capacity times the overcommit ratio, rounded down: the most that may be allocated. */
  public long limitMemoryMib() {
    return cluster.limitMemoryMib(index);
  }

  /** Disk capacity times the overcommit ratio, rounded down: the most that may be allocated. */
  public long limitDiskGib() {
    return cluster.limitDiskGib(index);
  }

  /** Capacity times the overcommit ratios: the most that may be allocated. */
  public Resources limit() {
    return new Resources(limitVcpus(), limitMemoryMib(), limitDiskGib());
  }

  /** Whether the host already caches the golden image. */
  public boolean cachesImage(String imageDigest) {
    if (imageDigest != imageKey) {
      imageHosts = cluster.hostsCaching(imageDigest);
      imageKey = imageDigest;
    }
    return imageHosts.contains(index);
  }

  /** Desktops of the pool here, counting those the current batch placed. */
  public int desktopsOfPool(String poolId) {
    if (poolId != poolKey) {
      poolCounts = cluster.desktopsOfPool(poolId);
      poolKey = poolId;
    }
    int placed = poolCounts.at(index);
    return extraDesktops == 0 || poolId.isEmpty() || !ledger.poolId().equals(poolId)
        ? placed
        : placed + extraDesktops;
  }

  /** Desktops of the user here, counting those the current batch placed. */
  public int desktopsOfUser(String userId) {
    if (userId != userKey) {
      userCounts = cluster.desktopsOfUser(userId);
      userKey = userId;
    }
    int placed = userCounts.at(index);
    return extraDesktops == 0 || userId.isEmpty() || !ledger.userId().equals(userId)
        ? placed
        : placed + extraDesktops;
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
    cpuAfter = fraction(allocatedVcpus() + request.size().vcpus(), limitVcpus());
    memoryAfter = fraction(allocatedMemoryMib() + request.size().memoryMib(), limitMemoryMib());
    utilizationFor = request;
  }

  private static double fraction(long used, long limit) {
    return limit == 0 ? 1.0 : Math.min(1.0, (double) used / limit);
  }
}
