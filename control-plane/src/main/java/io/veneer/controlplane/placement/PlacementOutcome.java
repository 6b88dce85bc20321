package io.veneer.controlplane.placement;

import java.util.UUID;

/** What placing one desktop came to. */
public sealed interface PlacementOutcome {

  UUID desktopId();

  /** Claimed on {@code hostId} after {@code attempts} tries. */
  record Placed(UUID desktopId, String hostId, double score, int attempts)
      implements PlacementOutcome {}

  /** No host can take it; {@code reason} reads like "0/20 hosts: 20 insufficient vCPU". */
  record Unschedulable(UUID desktopId, String reason) implements PlacementOutcome {}

  /** It was not waiting for a host (already placed, deleted, or gone). */
  record NotPending(UUID desktopId, String why) implements PlacementOutcome {}

  /** Not placed yet when the caller stopped waiting; it stays queued and REQUESTED. */
  record Queued(UUID desktopId) implements PlacementOutcome {}
}
