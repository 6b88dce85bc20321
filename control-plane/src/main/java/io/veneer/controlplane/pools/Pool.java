package io.veneer.controlplane.pools;

import io.veneer.scheduler.cluster.Resources;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** A pool of desktops cloned from one golden image version, with its size and entitlements. */
@Entity
@Table(name = "pool")
public class Pool {

  @Id private UUID id;

  @Column(nullable = false, unique = true)
  private String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private PoolKind kind;

  @Column(name = "golden_image", nullable = false)
  private String goldenImage;

  @Column(name = "golden_version", nullable = false)
  private String goldenVersion;

  @Column(name = "golden_digest", nullable = false)
  private String goldenDigest;

  private long vcpus;

  @Column(name = "memory_mib")
  private long memoryMib;

  @Column(name = "disk_gib")
  private long diskGib;

  @Column(name = "min_size")
  private int minSize;

  @Column(name = "max_size")
  private int maxSize;

  @Column(name = "warm_spares")
  private int warmSpares;

  @Column(name = "max_concurrent_refresh")
  private int maxConcurrentRefresh;

  @Column(name = "entitled_users", nullable = false)
  private String entitledUsers;

  @Column(name = "entitled_groups", nullable = false)
  private String entitledGroups;

  @Column(nullable = false)
  private String machine;

  @Column(nullable = false)
  private String firmware;

  @Column(name = "boot_mode", nullable = false)
  private String bootMode;

  @Column(nullable = false)
  private boolean display;

  /** {@link DirectKernel} of the golden version (V41); empty when it carries none. */
  @Column(name = "kernel_digest", nullable = false)
  private String kernelDigest = "";

  @Column(name = "initrd_digest", nullable = false)
  private String initrdDigest = "";

  @Column(name = "kernel_cmdline", nullable = false)
  private String kernelCmdline = "";

  /**
   * Shared-root pools: whether the golden version's root tree carries its own kernel and initrd
   * (V49), without which only drivers that run such trees (containers) can take its desktops.
   */
  @Column(name = "tree_carries_kernel", nullable = false)
  private boolean treeCarriesKernel = true;

  /** {@link PoolPlacement#requiredLabels}, {@code k=v,...} (V28). */
  @Column(name = "required_labels", nullable = false)
  private String requiredLabels;

  @Column(name = "required_zone", nullable = false)
  private String requiredZone;

  /** {@link PoolPlacement#strategy}, '' = the fleet's (V35). */
  @Column(name = "placement_strategy", nullable = false)
  private String placementStrategy;

  /** {@link PoolPower#idleShutdownMinutes} in seconds (V33); 0 = never. */
  @Column(name = "idle_shutdown_seconds", nullable = false)
  private long idleShutdownSeconds;

  /** {@link PowerSchedule#zone} (V34). */
  @Column(name = "schedule_zone", nullable = false)
  private String scheduleZone;

  /** {@link PowerSchedule#periods}, {@code MON,TUE 07:00 19:00 minSize warmSpares;...} (V34). */
  @Column(name = "schedule_periods", nullable = false)
  private String schedulePeriods;

  /** {@link PoolSpec#userDataDiskGib} (V46); 0 = none. */
  @Column(name = "user_data_disk_gib", nullable = false)
  private long userDataDiskGib;

  /** The pool controller's last {@link PoolSizing#reason}, written when it changes (V34). */
  @Column(name = "sizing_reason", nullable = false)
  private String sizingReason = "";

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  private PoolState state;

  // A wrapper, so that Spring Data sees a new entity (null version) and persists, not merges.
  @Version private Long version;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected Pool() {}

  public Pool(UUID id, PoolSpec spec) {
    this.id = id;
    this.createdAt = Instant.now();
    this.state = PoolState.ACTIVE;
    apply(spec);
  }

  /** Replaces the desired spec; one without hardware gets {@link GuestHardware#DEFAULT}. */
  public final void apply(PoolSpec spec) {
    GuestHardware hardware = spec.hardware() == null ? GuestHardware.DEFAULT : spec.hardware();
    this.name = spec.name();
    this.kind = spec.kind();
    this.goldenImage = spec.goldenImage();
    this.goldenVersion = spec.goldenVersion();
    this.goldenDigest = spec.goldenDigest();
    this.vcpus = spec.size().vcpus();
    this.memoryMib = spec.size().memoryMib();
    this.diskGib = spec.size().diskGib();
    this.minSize = spec.minSize();
    this.maxSize = spec.maxSize();
    this.warmSpares = spec.warmSpares();
    this.maxConcurrentRefresh = spec.maxConcurrentRefresh();
    this.entitledUsers = String.join(",", spec.entitledUsers());
    this.entitledGroups = String.join(",", spec.entitledGroups());
    this.machine = hardware.machine();
    this.firmware = hardware.firmware();
    this.bootMode = hardware.bootMode();
    this.display = hardware.display();
    this.requiredLabels = spec.placement().joinedLabels();
    this.requiredZone = spec.placement().requiredZone();
    this.placementStrategy = spec.placement().strategy();
    this.idleShutdownSeconds = spec.power().idleShutdown().toSeconds();
    this.scheduleZone = spec.power().schedule().zone().getId();
    this.schedulePeriods =
        spec.power().schedule().periods().stream()
            .map(Pool::encode)
            .collect(Collectors.joining(";"));
    this.userDataDiskGib = spec.userDataDiskGib();
  }

  private static String encode(SchedulePeriod period) {
    return period.days().stream().sorted().map(DayOfWeek::name).collect(Collectors.joining(","))
        + " "
        + period.from()
        + " "
        + period.until()
        + " "
        + period.minSize()
        + " "
        + period.warmSpares();
  }

  private static SchedulePeriod decode(String encoded) {
    String[] parts = encoded.split(" ");
    return new SchedulePeriod(
        Arrays.stream(parts[0].split(",")).map(DayOfWeek::valueOf).collect(Collectors.toSet()),
        LocalTime.parse(parts[1]),
        LocalTime.parse(parts[2]),
        Integer.parseInt(parts[3]),
        Integer.parseInt(parts[4]));
  }

  private PowerSchedule schedule() {
    return new PowerSchedule(
        ZoneId.of(scheduleZone),
        schedulePeriods.isEmpty()
            ? List.of()
            : Arrays.stream(schedulePeriods.split(";")).map(Pool::decode).toList());
  }

  /** Whether the pool controller ever said how it sizes the pool (it had a schedule). */
  public boolean announcedSizing() {
    return !sizingReason.isEmpty();
  }

  /**
   * Records the sizing the pool controller keeps the pool at now; whether its reason changed since
   * the last one recorded.
   */
  public boolean sizedBy(PoolSizing sizing) {
    if (sizing.reason().equals(sizingReason)) {
      return false;
    }
    sizingReason = sizing.reason();
    return true;
  }

  public PoolSpec spec() {
    return new PoolSpec(
        name,
        kind,
        goldenImage,
        goldenVersion,
        goldenDigest,
        new Resources(vcpus, memoryMib, diskGib),
        minSize,
        maxSize,
        warmSpares,
        maxConcurrentRefresh,
        split(entitledUsers),
        split(entitledGroups),
        new GuestHardware(machine, firmware, bootMode, display),
        PoolPlacement.of(requiredLabels, requiredZone, placementStrategy),
        new PoolPower((int) Duration.ofSeconds(idleShutdownSeconds).toMinutes(), schedule()),
        userDataDiskGib);
  }

  /** The golden version's kernel, which desktops boot when the pool's bootMode is direct-kernel. */
  public DirectKernel directKernel() {
    return new DirectKernel(kernelDigest, initrdDigest, kernelCmdline);
  }

  public void directKernel(DirectKernel kernel) {
    this.kernelDigest = kernel.kernelDigest();
    this.initrdDigest = kernel.initrdDigest();
    this.kernelCmdline = kernel.cmdline();
  }

  /**
   * Whether the golden root tree carries its own kernel and initrd ({@code boot/veneer/}); read
   * only for shared-root pools.
   */
  public boolean treeCarriesKernel() {
    return treeCarriesKernel;
  }

  public void treeCarriesKernel(boolean carries) {
    this.treeCarriesKernel = carries;
  }

  private static Set<String> split(String joined) {
    return joined.isEmpty()
        ? Set.of()
        : Arrays.stream(joined.split(",")).collect(Collectors.toUnmodifiableSet());
  }

  public UUID id() {
    return id;
  }

  public String name() {
    return name;
  }

  public PoolKind kind() {
    return kind;
  }

  public PoolState state() {
    return state;
  }

  /** Starts deleting: the pool controller removes its desktops, then marks it {@code DELETED}. */
  public void markDeleting() {
    if (state == PoolState.ACTIVE) {
      state = PoolState.DELETING;
    }
  }

  /** Every desktop of the pool is gone. */
  public void markDeleted() {
    state = PoolState.DELETED;
  }

  public long version() {
    return version == null ? 0 : version;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
