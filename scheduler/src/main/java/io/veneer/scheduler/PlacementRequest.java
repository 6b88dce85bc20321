package io.veneer.scheduler;

import io.veneer.scheduler.cluster.Resources;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a desktop needs from a host.
 *
 * @param size the resources the desktop claims
 * @param goldenImageDigest the golden image its OS disk is cloned from; hosts caching it are
 *     preferred
 * @param poolId its pool
 * @param userId the user it is for; empty for an unassigned pooled desktop
 * @param requiredLabels labels a host must carry with exactly these values
 * @param requiredZone the zone a host must be in; empty for any
 * @param antiAffinity whose desktops to spread apart
 * @param requiredCapabilities what a host's hypervisor driver must be able to do ({@code display},
 *     {@code firmware:uefi}, ...)
 * @param userDataHost the host holding the user's user-data disk, which is preferred; empty for
 *     none
 */
public record PlacementRequest(
    Resources size,
    String goldenImageDigest,
    String poolId,
    String userId,
    Map<String, String> requiredLabels,
    String requiredZone,
    AntiAffinity antiAffinity,
    Set<String> requiredCapabilities,
    String userDataHost) {

  /** Whose desktops a placement spreads across hosts. */
  public enum AntiAffinity {
    NONE,
    POOL,
    USER
  }

  public PlacementRequest {
    Objects.requireNonNull(size, "size");
    goldenImageDigest = goldenImageDigest == null ? "" : goldenImageDigest;
    poolId = poolId == null ? "" : poolId;
    userId = userId == null ? "" : userId;
    requiredLabels = requiredLabels == null ? Map.of() : Map.copyOf(requiredLabels);
    requiredZone = requiredZone == null ? "" : requiredZone;
    antiAffinity = antiAffinity == null ? AntiAffinity.POOL : antiAffinity;
    requiredCapabilities =
        requiredCapabilities == null ? Set.of() : Set.copyOf(requiredCapabilities);
    userDataHost = userDataHost == null ? "" : userDataHost;
  }

  /** A request for a desktop of the given size and pool, spread by pool, with no constraints. */
  public static PlacementRequest of(Resources size, String goldenImageDigest, String poolId) {
    return new PlacementRequest(
        size, goldenImageDigest, poolId, "", Map.of(), "", AntiAffinity.POOL, Set.of(), "");
  }

  public PlacementRequest withUser(String user) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        user,
        requiredLabels,
        requiredZone,
        antiAffinity,
        requiredCapabilities,
        userDataHost);
  }

  public PlacementRequest withLabels(Map<String, String> labels) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        userId,
        labels,
        requiredZone,
        antiAffinity,
        requiredCapabilities,
        userDataHost);
  }

  public PlacementRequest inZone(String zone) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        userId,
        requiredLabels,
        zone,
        antiAffinity,
        requiredCapabilities,
        userDataHost);
  }

  public PlacementRequest requiring(Set<String> capabilities) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        userId,
        requiredLabels,
        requiredZone,
        antiAffinity,
        capabilities,
        userDataHost);
  }

  public PlacementRequest spreading(AntiAffinity scope) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        userId,
        requiredLabels,
        requiredZone,
        scope,
        requiredCapabilities,
        userDataHost);
  }

  /** The same request for a user whose user-data disk lives on {@code host}. */
  public PlacementRequest withUserDataOn(String host) {
    return new PlacementRequest(
        size,
        goldenImageDigest,
        poolId,
        userId,
        requiredLabels,
        requiredZone,
        antiAffinity,
        requiredCapabilities,
        host);
  }
}
