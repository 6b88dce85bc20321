package io.veneer.scheduler.cluster;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every host at one moment, in a stable order (the order the caller gave). Immutable.
 *
 * <p>Besides the hosts it keeps, by host index, the figures a placement reads for every host it
 * examines: states and resources in flat arrays, and per golden image, pool and user which hosts
 * hold them. A scan over thousands of hosts then streams through a few arrays instead of chasing
 * each host's maps and strings, which is what keeps a placement at 10,000 hosts in tens of
 * microseconds. The index-based accessors are for the engine and plugins; everything else reads
 * {@link #hosts()}.
 */
public final class ClusterSnapshot {

  private final List<HostSnapshot> hosts;
  private final HostState[] states;
  private final long[] allocatedVcpus;
  private final long[] allocatedMemoryMib;
  private final long[] allocatedDiskGib;
  private final long[] limitVcpus;
  private final long[] limitMemoryMib;
  private final long[] limitDiskGib;
  private final long[] capacityMemoryMib;
  private final long[] unusedMemoryMib;
  private final Map<String, HostSet> hostsCachingImage;
  private final Map<String, HostCounts> desktopsPerPool;
  private final Map<String, HostCounts> desktopsPerUser;

  public ClusterSnapshot(List<HostSnapshot> hosts) {
    this.hosts = List.copyOf(hosts);
    int n = this.hosts.size();
    this.states = new HostState[n];
    this.allocatedVcpus = new long[n];
    this.allocatedMemoryMib = new long[n];
    this.allocatedDiskGib = new long[n];
    this.limitVcpus = new long[n];
    this.limitMemoryMib = new long[n];
    this.limitDiskGib = new long[n];
    this.capacityMemoryMib = new long[n];
    this.unusedMemoryMib = new long[n];
    Map<String, BitSet> images = new HashMap<>();
    Map<String, HostCounts.Builder> pools = new HashMap<>();
    Map<String, HostCounts.Builder> users = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < n; i++) {
      HostSnapshot host = this.hosts.get(i);
      if (!ids.add(host.id())) {
        throw new IllegalArgumentException("Host " + host.id() + " appears twice in the snapshot");
      }
      states[i] = host.state();
      allocatedVcpus[i] = host.allocatedVcpus();
      allocatedMemoryMib[i] = host.allocatedMemoryMib();
      allocatedDiskGib[i] = host.allocatedDiskGib();
      limitVcpus[i] = host.limitVcpus();
      limitMemoryMib[i] = host.limitMemoryMib();
      limitDiskGib[i] = host.limitDiskGib();
      capacityMemoryMib[i] = host.capacity().memoryMib();
      unusedMemoryMib[i] = host.unusedMemoryMib();
      for (String image : host.cachedImages()) {
        images.computeIfAbsent(image, digest -> new BitSet(n)).set(i);
      }
      for (PlacedDesktop desktop : host.desktops()) {
        count(pools, desktop.poolId(), i);
        count(users, desktop.userId(), i);
      }
    }
    this.hostsCachingImage = HashMap.newHashMap(images.size());
    images.forEach((digest, caching) -> hostsCachingImage.put(digest, new HostSet(caching)));
    this.desktopsPerPool = build(pools);
    this.desktopsPerUser = build(users);
  }

  public static ClusterSnapshot of(HostSnapshot... hosts) {
    return new ClusterSnapshot(List.of(hosts));
  }

  public List<HostSnapshot> hosts() {
    return hosts;
  }

  public int size() {
    return hosts.size();
  }

  /** The host at {@code index} in snapshot order. */
  public HostSnapshot host(int index) {
    return hosts.get(index);
  }

  public HostState state(int host) {
    return states[host];
  }

  public long allocatedVcpus(int host) {
    return allocatedVcpus[host];
  }

  public long allocatedMemoryMib(int host) {
    return allocatedMemoryMib[host];
  }

  public long allocatedDiskGib(int host) {
    return allocatedDiskGib[host];
  }

  /** The host's vCPU capacity times its overcommit ratio, rounded down. */
  public long limitVcpus(int host) {
    return limitVcpus[host];
  }

  /** The host's memory capacity times its overcommit ratio, rounded down. */
  public long limitMemoryMib(int host) {
    return limitMemoryMib[host];
  }

  /** The host's disk capacity times its overcommit ratio, rounded down. */
  public long limitDiskGib(int host) {
    return limitDiskGib[host];
  }

  /** The host's physical memory. */
  public long capacityMemoryMib(int host) {
    return capacityMemoryMib[host];
  }

  /** What the host's guests leave unused by a recent report, or {@link MemoryFit#UNOBSERVED}. */
  public long unusedMemoryMib(int host) {
    return unusedMemoryMib[host];
  }

  /** The hosts that cache the golden image. */
  public HostSet hostsCaching(String imageDigest) {
    return hostsCachingImage.getOrDefault(imageDigest, HostSet.NONE);
  }

  /** Desktops of the pool per host; none for an empty pool id. */
  public HostCounts desktopsOfPool(String poolId) {
    return desktopsPerPool.getOrDefault(poolId, HostCounts.NONE);
  }

  /** Desktops of the user per host; none for an empty user id (unassigned desktops). */
  public HostCounts desktopsOfUser(String userId) {
    return desktopsPerUser.getOrDefault(userId, HostCounts.NONE);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClusterSnapshot snapshot && hosts.equals(snapshot.hosts);
  }

  @Override
  public int hashCode() {
    return hosts.hashCode();
  }

  @Override
  public String toString() {
    return "ClusterSnapshot[" + hosts.size() + " hosts]";
  }

  private static void count(Map<String, HostCounts.Builder> counts, String key, int host) {
    if (!key.isEmpty()) {
      counts.computeIfAbsent(key, k -> new HostCounts.Builder()).add(host);
    }
  }

  private static Map<String, HostCounts> build(Map<String, HostCounts.Builder> builders) {
    Map<String, HostCounts> built = HashMap.newHashMap(builders.size());
    builders.forEach((key, builder) -> built.put(key, builder.build()));
    return built;
  }
}
