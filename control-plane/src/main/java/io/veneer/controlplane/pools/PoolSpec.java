package io.veneer.controlplane.pools;

import io.veneer.scheduler.cluster.Resources;
import java.util.Objects;
import java.util.Set;

/**
 * The desired shape of a pool.
 *
 * @param maxConcurrentRefresh how many desktops a golden-version rollout refreshes at once
 * @param hardware the desktops' virtual hardware; {@code null} in a request = not given: the golden
 *     image's when its version is looked up, else what the pool had, else {@link
 *     GuestHardware#DEFAULT}. A stored pool's spec always has it.
 */
public record PoolSpec(
    String name,
    PoolKind kind,
    String goldenImage,
    String goldenVersion,
    String goldenDigest,
    Resources size,
    int minSize,
    int maxSize,
    int warmSpares,
    int maxConcurrentRefresh,
    Set<String> entitledUsers,
    Set<String> entitledGroups,
    GuestHardware hardware) {

  /** A spec that does not name its hardware (see {@code hardware}). */
  public PoolSpec(
      String name,
      PoolKind kind,
      String goldenImage,
      String goldenVersion,
      String goldenDigest,
      Resources size,
      int minSize,
      int maxSize,
      int warmSpares,
      int maxConcurrentRefresh,
      Set<String> entitledUsers,
      Set<String> entitledGroups) {
    this(
        name,
        kind,
        goldenImage,
        goldenVersion,
        goldenDigest,
        size,
        minSize,
        maxSize,
        warmSpares,
        maxConcurrentRefresh,
        entitledUsers,
        entitledGroups,
        null);
  }

  public PoolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(goldenImage, "goldenImage");
    Objects.requireNonNull(goldenVersion, "goldenVersion");
    Objects.requireNonNull(size, "size");
    goldenDigest = goldenDigest == null ? "" : goldenDigest;
    entitledUsers = entitledUsers == null ? Set.of() : Set.copyOf(entitledUsers);
    entitledGroups = entitledGroups == null ? Set.of() : Set.copyOf(entitledGroups);
    if (minSize < 0 || maxSize < minSize) {
      throw new IllegalArgumentException(
          "Pool " + name + ": need 0 <= min (" + minSize + ") <= max (" + maxSize + ")");
    }
    if (warmSpares < 0 || maxConcurrentRefresh < 1) {
      throw new IllegalArgumentException(
          "Pool " + name + ": warm spares must be >= 0 and max concurrent refresh >= 1");
    }
  }

  /** This spec on another golden version; a blank digest is looked up when the pool is saved. */
  public PoolSpec withGolden(String image, String version, String digest) {
    return new PoolSpec(
        name,
        kind,
        image,
        version,
        digest,
        size,
        minSize,
        maxSize,
        warmSpares,
        maxConcurrentRefresh,
        entitledUsers,
        entitledGroups,
        hardware);
  }

  /** This spec with {@code hardware}; {@code null} = not given. */
  public PoolSpec withHardware(GuestHardware hardware) {
    return new PoolSpec(
        name,
        kind,
        goldenImage,
        goldenVersion,
        goldenDigest,
        size,
        minSize,
        maxSize,
        warmSpares,
        maxConcurrentRefresh,
        entitledUsers,
        entitledGroups,
        hardware);
  }

  /** This spec entitling only {@code users} and {@code groups}. */
  public PoolSpec withEntitlements(Set<String> users, Set<String> groups) {
    return new PoolSpec(
        name,
        kind,
        goldenImage,
        goldenVersion,
        goldenDigest,
        size,
        minSize,
        maxSize,
        warmSpares,
        maxConcurrentRefresh,
        users,
        groups,
        hardware);
  }
}
