package io.veneer.controlplane.pools;

import io.veneer.scheduler.cluster.Resources;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The desired shape of a pool.
 *
 * @param maxConcurrentRefresh how many desktops a golden-version rollout refreshes at once
 * @param hardware the desktops' virtual hardware; {@code null} in a request = not given: the golden
 *     image's when its version is looked up, else what the pool had, else {@link
 *     GuestHardware#DEFAULT}. A stored pool's spec always has it.
 * @param placement which hosts its desktops may run on; {@code null} = anywhere
 * @param power how its desktops are powered by the clock; {@code null} = {@link
 *     PoolPower#ALWAYS_ON}
 * @param userDataDiskGib the size of each user's persistent user-data disk in GiB; 0 for none
 *     ({@code null}, left out of a request, is none: a boxed type, since a request without it is
 *     valid)
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
    GuestHardware hardware,
    PoolPlacement placement,
    PoolPower power,
    Long userDataDiskGib) {

  /** The largest user-data disk a pool may give (16 TiB). */
  public static final long MAX_USER_DATA_DISK_GIB = 16_384;

  /** A spec without user-data disks. */
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
      Set<String> entitledGroups,
      GuestHardware hardware,
      PoolPlacement placement,
      PoolPower power) {
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
        hardware,
        placement,
        power,
        0L);
  }

  /** A spec whose desktops are {@link PoolPower#ALWAYS_ON}. */
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
      Set<String> entitledGroups,
      GuestHardware hardware,
      PoolPlacement placement) {
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
        hardware,
        placement,
        PoolPower.ALWAYS_ON);
  }

  /** A spec that may run anywhere. */
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
      Set<String> entitledGroups,
      GuestHardware hardware) {
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
        hardware,
        PoolPlacement.ANYWHERE);
  }

  /** A spec that does not name its hardware (see {@code hardware}) and may run anywhere. */
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
        null,
        PoolPlacement.ANYWHERE);
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
    placement = placement == null ? PoolPlacement.ANYWHERE : placement;
    power = power == null ? PoolPower.ALWAYS_ON : power;
    if (minSize < 0 || maxSize < minSize) {
      throw new IllegalArgumentException(
          "Pool " + name + ": need 0 <= min (" + minSize + ") <= max (" + maxSize + ")");
    }
    if (warmSpares < 0 || maxConcurrentRefresh < 1) {
      throw new IllegalArgumentException(
          "Pool " + name + ": warm spares must be >= 0 and max concurrent refresh >= 1");
    }
    userDataDiskGib = userDataDiskGib == null ? 0L : userDataDiskGib;
    if (userDataDiskGib < 0 || userDataDiskGib > MAX_USER_DATA_DISK_GIB) {
      throw new IllegalArgumentException(
          "userDataDiskGib: "
              + userDataDiskGib
              + " is not a user-data disk size; give 1 to "
              + MAX_USER_DATA_DISK_GIB
              + " GiB, or 0 for none");
    }
    List<SchedulePeriod> periods = power.schedule().periods();
    for (int i = 0; i < periods.size(); i++) {
      if (periods.get(i).minSize() > maxSize) {
        throw new IllegalArgumentException(
            "power.schedule.periods["
                + i
                + "].minSize: "
                + periods.get(i).minSize()
                + " is above the pool's maxSize "
                + maxSize);
      }
    }
  }

  /** A builder holding this spec's every field, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The one way to copy a spec with changes: it holds every field, so a field added to the record
   * is a compile error in {@link #build} until it is carried here ({@code PoolSpecTest} checks the
   * copy too).
   */
  public static final class Builder {
    private String name;
    private PoolKind kind;
    private String goldenImage;
    private String goldenVersion;
    private String goldenDigest;
    private Resources size;
    private int minSize;
    private int maxSize;
    private int warmSpares;
    private int maxConcurrentRefresh;
    private Set<String> entitledUsers;
    private Set<String> entitledGroups;
    private GuestHardware hardware;
    private PoolPlacement placement;
    private PoolPower power;
    private long userDataDiskGib;

    private Builder(PoolSpec spec) {
      name = spec.name;
      kind = spec.kind;
      goldenImage = spec.goldenImage;
      goldenVersion = spec.goldenVersion;
      goldenDigest = spec.goldenDigest;
      size = spec.size;
      minSize = spec.minSize;
      maxSize = spec.maxSize;
      warmSpares = spec.warmSpares;
      maxConcurrentRefresh = spec.maxConcurrentRefresh;
      entitledUsers = spec.entitledUsers;
      entitledGroups = spec.entitledGroups;
      hardware = spec.hardware;
      placement = spec.placement;
      power = spec.power;
      userDataDiskGib = spec.userDataDiskGib;
    }

    /** Another golden version; a blank image or digest is looked up when the pool is saved. */
    public Builder golden(String image, String version, String digest) {
      goldenImage = image;
      goldenVersion = version;
      goldenDigest = digest;
      return this;
    }

    public Builder size(Resources size) {
      this.size = size;
      return this;
    }

    public Builder minSize(int minSize) {
      this.minSize = minSize;
      return this;
    }

    public Builder maxSize(int maxSize) {
      this.maxSize = maxSize;
      return this;
    }

    public Builder warmSpares(int warmSpares) {
      this.warmSpares = warmSpares;
      return this;
    }

    public Builder maxConcurrentRefresh(int maxConcurrentRefresh) {
      this.maxConcurrentRefresh = maxConcurrentRefresh;
      return this;
    }

    /** Entitles only {@code users} and {@code groups}. */
    public Builder entitlements(Set<String> users, Set<String> groups) {
      entitledUsers = users;
      entitledGroups = groups;
      return this;
    }

    /** {@code null} = not given (see {@link PoolSpec#hardware}). */
    public Builder hardware(GuestHardware hardware) {
      this.hardware = hardware;
      return this;
    }

    public Builder placement(PoolPlacement placement) {
      this.placement = placement;
      return this;
    }

    public Builder power(PoolPower power) {
      this.power = power;
      return this;
    }

    public Builder userDataDiskGib(long gib) {
      this.userDataDiskGib = gib;
      return this;
    }

    public PoolSpec build() {
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
          hardware,
          placement,
          power,
          userDataDiskGib);
    }
  }
}
