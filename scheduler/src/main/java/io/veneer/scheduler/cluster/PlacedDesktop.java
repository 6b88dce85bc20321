package io.veneer.scheduler.cluster;

/**
 * A desktop already on a host, as far as placement cares.
 *
 * @param desktopId identity
 * @param poolId its pool; empty when unknown
 * @param userId the user it is assigned to; empty when unassigned
 */
public record PlacedDesktop(String desktopId, String poolId, String userId) {

  public PlacedDesktop {
    poolId = poolId == null ? "" : poolId;
    userId = userId == null ? "" : userId;
  }
}
