package io.veneer.scheduler;

import io.veneer.scheduler.cluster.Resources;

/**
 * What the placements of one batch have added to hosts so far: the small overlay of deltas that
 * spares a batch copying the snapshot. A batch of n desktops touches at most n hosts, so the
 * overlay is sized by the batch, not by the cluster (an open-addressing table from host index to a
 * slot of deltas). All desktops of a batch come from one request, so they share a pool and a user,
 * and one counter per host serves both anti-affinity scopes.
 */
final class BatchLedger {

  static final BatchLedger EMPTY = new BatchLedger(0, "", "");

  private final int[] keys; // host index + 1; 0 marks a free entry
  private final int[] slots;
  private final int mask;
  private final long[] vcpus;
  private final long[] memoryMib;
  private final long[] diskGib;
  private final int[] desktops;
  private final String poolId;
  private final String userId;
  private int used;

  private BatchLedger(int maxHosts, String poolId, String userId) {
    int table = Integer.highestOneBit(Math.max(2, maxHosts * 2 - 1)) << 1; // at most half full
    this.keys = new int[maxHosts == 0 ? 0 : table];
    this.slots = new int[keys.length];
    this.mask = keys.length - 1;
    this.vcpus = new long[maxHosts];
    this.memoryMib = new long[maxHosts];
    this.diskGib = new long[maxHosts];
    this.desktops = new int[maxHosts];
    this.poolId = poolId;
    this.userId = userId;
  }

  /**
   * A ledger for a batch of the request that can place desktops on up to {@code maxHosts} hosts.
   */
  static BatchLedger forBatch(int maxHosts, PlacementRequest request) {
    return new BatchLedger(maxHosts, request.poolId(), request.userId());
  }

  /** The slot of the host's deltas, or -1 when this batch has placed nothing there. */
  int slotOf(int host) {
    if (used == 0) {
      return -1;
    }
    for (int i = spread(host) & mask; keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == host + 1) {
        return slots[i];
      }
    }
    return -1;
  }

  void record(int host, Resources size) {
    int slot = slotOf(host);
    if (slot < 0) {
      int i = spread(host) & mask;
      while (keys[i] != 0) {
        i = (i + 1) & mask;
      }
      keys[i] = host + 1;
      slot = used++;
      slots[i] = slot;
    }
    vcpus[slot] += size.vcpus();
    memoryMib[slot] += size.memoryMib();
    diskGib[slot] += size.diskGib();
    desktops[slot]++;
  }

  long vcpus(int slot) {
    return vcpus[slot];
  }

  long memoryMib(int slot) {
    return memoryMib[slot];
  }

  long diskGib(int slot) {
    return diskGib[slot];
  }

  /** Desktops this batch placed in the slot's host so far. */
  int desktops(int slot) {
    return desktops[slot];
  }

  /** The pool of every desktop of this batch; empty for no batch. */
  String poolId() {
    return poolId;
  }

  /** The user of every desktop of this batch; empty when they are unassigned. */
  String userId() {
    return userId;
  }

  // Host indices of a batch are often close together; mixing keeps them from clustering.
  private static int spread(int host) {
    int h = host * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
