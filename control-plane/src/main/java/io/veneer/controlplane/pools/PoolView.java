package io.veneer.controlplane.pools;

import java.util.UUID;

/** A pool as the APIs show it, with where its desktops stand against its golden version. */
public record PoolView(UUID id, PoolSpec spec, PoolState state, long version, PoolRollout rollout) {

  public static PoolView of(Pool pool, PoolRollout rollout) {
    return new PoolView(pool.id(), pool.spec(), pool.state(), pool.version(), rollout);
  }
}
