package io.veneer.controlplane.pools;

import java.util.UUID;

/** A pool as the APIs show it. */
public record PoolView(UUID id, PoolSpec spec, long version) {

  public static PoolView of(Pool pool) {
    return new PoolView(pool.id(), pool.spec(), pool.version());
  }
}
