package io.veneer.scheduler;

import io.veneer.scheduler.cluster.Resources;

/**
 * What the placements of one batch have added to each host so far, by host index. All desktops of a
 * batch share one pool and user, so one counter per host serves both anti-affinity scopes.
 */
final class BatchLedger {

  static final BatchLedger EMPTY = new BatchLedger(0);

  private final long[] vcpus;
  private final long[] memoryMib;
  private final long[] diskGib;
  private final int[] desktops;
  private final boolean sameUser;

  private BatchLedger(int hosts) {
    this(hosts, false);
  }

  private BatchLedger(int hosts, boolean sameUser) {
    this.vcpus = new long[hosts];
    this.memoryMib = new long[hosts];
    this.diskGib = new long[hosts];
    this.desktops = new int[hosts];
    this.sameUser = sameUser;
  }

  static BatchLedger forBatch(int hosts, PlacementRequest request) {
    return new BatchLedger(hosts, !request.userId().isEmpty());
  }

  void record(int host, Resources size) {
    vcpus[host] += size.vcpus();
    memoryMib[host] += size.memoryMib();
    diskGib[host] += size.diskGib();
    desktops[host]++;
  }

  long vcpus(int host) {
    return host < vcpus.length ? vcpus[host] : 0;
  }

  long memoryMib(int host) {
    return host < memoryMib.length ? memoryMib[host] : 0;
  }

  long diskGib(int host) {
    return host < diskGib.length ? diskGib[host] : 0;
  }

  int desktops(int host) {
    return host < desktops.length ? desktops[host] : 0;
  }

  int desktopsOfUser(int host) {
    return sameUser ? desktops(host) : 0;
  }
}
