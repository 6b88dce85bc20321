package io.veneer.controlplane.pools;

import io.veneer.scheduler.cluster.Resources;
import java.util.Objects;
import java.util.Set;

/**
 * The desired shape of a pool.
 *
 * @param maxConcurrentRefresh how many desktops a golden-version rollout refreshes at once
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
    Set<String> entitledGroups) {

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
        entitledGroups);
  }
}
