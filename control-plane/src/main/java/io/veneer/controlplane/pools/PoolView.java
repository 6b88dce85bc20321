package io.veneer.controlplane.pools;

import io.veneer.controlplane.security.Caller;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A pool as the APIs show it, with where its desktops stand against its golden version. */
public record PoolView(UUID id, PoolSpec spec, PoolState state, long version, PoolRollout rollout) {

  public static PoolView of(Pool pool, PoolRollout rollout) {
    return new PoolView(pool.id(), pool.spec(), pool.state(), pool.version(), rollout);
  }

  /**
   * This view as {@code caller} may see it: an admin sees every entitlement; a user only their own
   * id and their own groups among the entitled, never whom else the pool was given to.
   */
  public PoolView seenBy(Caller caller) {
    if (caller.admin()) {
      return this;
    }
    PoolSpec own =
        spec.toBuilder()
            .entitlements(
                spec.entitledUsers().contains(caller.subject())
                    ? Set.of(caller.subject())
                    : Set.of(),
                spec.entitledGroups().stream()
                    .filter(caller.groups()::contains)
                    .collect(Collectors.toUnmodifiableSet()))
            .build();
    return new PoolView(id, own, state, version, rollout);
  }
}
