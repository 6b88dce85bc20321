package io.veneer.controlplane.pools;

import java.util.UUID;

/** A pool as the APIs show it. */
public record PoolView(UUID id, PoolSpec spec, PoolState state, long version) {

  public static PoolView of(Pool pool) {
    return new PoolView(pool.id(), pool.spec(), pool.state(), pool.version());
  }
}
