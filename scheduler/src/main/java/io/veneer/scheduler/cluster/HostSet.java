package io.veneer.scheduler.cluster;

import java.util.BitSet;

/** A set of hosts of a snapshot by index, e.g. those caching one golden image. Immutable. */
public final class HostSet {

  static final HostSet NONE = new HostSet(new BitSet());

  private final BitSet hosts;

  HostSet(BitSet hosts) {
    this.hosts = hosts;
  }

  /** Whether the host at {@code host} in snapshot order is in the set. */
  public boolean contains(int host) {
    return hosts.get(host);
  }
}
