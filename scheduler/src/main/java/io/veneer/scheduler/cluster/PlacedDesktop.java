package io.veneer.scheduler.cluster;

/**
 * A desktop already on a host, as far as placement cares.
 *
 * @param desktopId identity
 * @param poolId its pool
 * @param userId the user it is assigned to; empty when unassigned
 */
public record PlacedDesktop(String desktopId, String poolId, String userId) {

  public PlacedDesktop {
    userId = userId == null ? "" : userId;
  }
}
