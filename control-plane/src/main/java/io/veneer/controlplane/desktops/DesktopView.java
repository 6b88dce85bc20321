package io.veneer.controlplane.desktops;

import java.time.Instant;
import java.util.UUID;

/**
 * A desktop as the APIs show it.
 *
 * @param rebuilding its OS disk is being replaced (a refresh, or a golden update asked for) and its
 *     agent has not yet reported the new one
 * @param version grows with every change of its spec or its status
 * @param updatedAt when it last changed: its state, desired power or owner
 */
public record DesktopView(
    UUID id,
    UUID poolId,
    String owner,
    DesktopState state,
    PowerState desiredPower,
    String hostId,
    String goldenVersion,
    long specGeneration,
    long osDiskGeneration,
    boolean rebuilding,
    String failureReason,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public static DesktopView of(Desktop d) {
    return new DesktopView(
        d.id(),
        d.poolId(),
        d.owner().orElse(null),
        d.state(),
        d.desiredPower(),
        d.hostId().orElse(null),
        d.goldenVersion(),
        d.specGeneration(),
        d.osDiskGeneration(),
        d.refreshing(),
        d.failureReason().orElse(null),
        d.aggregateVersion(),
        d.createdAt(),
        d.updatedAt().isAfter(d.observedAt()) ? d.updatedAt() : d.observedAt());
  }
}
