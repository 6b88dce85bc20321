package io.veneer.controlplane.api.grpc;

import io.veneer.api.v1.Pool;
import io.veneer.api.v1.PoolHardware;
import io.veneer.controlplane.pools.GuestHardware;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.controlplane.pools.PoolPower;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolView;
import io.veneer.controlplane.pools.PowerSchedule;
import io.veneer.controlplane.pools.SchedulePeriod;
import io.veneer.scheduler.cluster.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Pools as {@code veneer.api.v1} messages, and a create's {@link Pool} as a {@link PoolSpec}. The
 * creation time is not in {@link PoolView}, so it is left unset.
 */
final class PoolMessages {

  private PoolMessages() {}

  static Pool pool(PoolView view) {
    PoolSpec spec = view.spec();
    return Pool.newBuilder()
        .setId(view.id().toString())
        .setName(spec.name())
        .setKind(kind(spec.kind()))
        .setGoldenImageVersionId(spec.goldenVersion())
        .setDesktopSize(CommonMessages.resources(spec.size()))
        .setMinSize(spec.minSize())
        .setMaxSize(spec.maxSize())
        .setWarmSpares(spec.warmSpares())
        .addAllEntitledUsers(spec.entitledUsers().stream().sorted().toList())
        .addAllEntitledGroups(spec.entitledGroups().stream().sorted().toList())
        .setMaxConcurrentRefreshes(spec.maxConcurrentRefresh())
        .setHardware(hardware(spec.hardware()))
        .putAllRequiredLabels(spec.placement().requiredLabels())
        .setPower(power(spec.power()))
        .setUserDataDiskGib(spec.userDataDiskGib())
        .setDesktopsCurrent(view.rollout().current())
        .setDesktopsTotal(view.rollout().desktops())
        .build();
  }

  private static PoolHardware hardware(GuestHardware hardware) {
    return PoolHardware.newBuilder()
        .setMachine(hardware.machine())
        .setFirmware(hardware.firmware())
        .setBootMode(hardware.bootMode())
        .setDisplay(hardware.display())
        .build();
  }

  private static io.veneer.api.v1.PoolPower power(PoolPower power) {
    io.veneer.api.v1.PowerSchedule.Builder schedule =
        io.veneer.api.v1.PowerSchedule.newBuilder()
            .setZone(power.schedule().isEmpty() ? "" : power.schedule().zone().getId());
    for (SchedulePeriod period : power.schedule().periods()) {
      schedule.addPeriods(
          io.veneer.api.v1.SchedulePeriod.newBuilder()
              .addAllDays(period.days().stream().map(day -> day.name().substring(0, 3)).toList())
              .setFrom(period.from().toString())
              .setUntil(period.until().toString())
              .setMinSize(period.minSize())
              .setWarmSpares(period.warmSpares()));
    }
    return io.veneer.api.v1.PoolPower.newBuilder()
        .setIdleShutdownMinutes(power.idleShutdownMinutes())
        .setSchedule(schedule)
        .build();
  }

  /** The request's power, {@code null} when unset; a wrong value is added to {@code problems}. */
  private static PoolPower power(Pool pool, List<ApiFailures.FieldProblem> problems) {
    if (!pool.hasPower()) {
      return null;
    }
    io.veneer.api.v1.PoolPower power = pool.getPower();
    try {
      List<SchedulePeriod> periods = new ArrayList<>();
      for (io.veneer.api.v1.SchedulePeriod period : power.getSchedule().getPeriodsList()) {
        periods.add(
            SchedulePeriod.parse(
                period.getDaysList(),
                period.getFrom(),
                period.getUntil(),
                period.getMinSize(),
                period.getWarmSpares()));
      }
      return new PoolPower(
          power.getIdleShutdownMinutes(),
          PowerSchedule.parse(power.getSchedule().getZone(), periods));
    } catch (IllegalArgumentException e) {
      problems.add(new ApiFailures.FieldProblem("pool.power", e.getMessage()));
      return null;
    }
  }

  /**
   * The request's hardware, {@code null} when unset; a wrong value is added to {@code problems}.
   */
  private static GuestHardware hardware(Pool pool, List<ApiFailures.FieldProblem> problems) {
    if (!pool.hasHardware()) {
      return null;
    }
    PoolHardware hardware = pool.getHardware();
    try {
      return new GuestHardware(
          hardware.getMachine(),
          hardware.getFirmware(),
          hardware.getBootMode(),
          hardware.getDisplay());
    } catch (IllegalArgumentException e) {
      problems.add(new ApiFailures.FieldProblem("pool.hardware", e.getMessage()));
      return null;
    }
  }

  /**
   * The spec of a pool to create, every wrong field named at once. The contract names the golden
   * image by version id only, so the image's name and digest stay empty until the control plane
   * resolves versions through the golden image service.
   */
  static PoolSpec spec(Pool pool) {
    List<ApiFailures.FieldProblem> problems = new ArrayList<>();
    if (pool.getName().isBlank()) {
      problems.add(new ApiFailures.FieldProblem("pool.name", "is required"));
    }
    PoolKind kind =
        switch (pool.getKind()) {
          case POOL_KIND_POOLED -> PoolKind.POOLED;
          case POOL_KIND_DEDICATED -> PoolKind.DEDICATED;
          case POOL_KIND_UNSPECIFIED, UNRECOGNIZED -> {
            problems.add(
                new ApiFailures.FieldProblem(
                    "pool.kind", "must be POOL_KIND_POOLED or POOL_KIND_DEDICATED"));
            yield null;
          }
        };
    if (pool.getGoldenImageVersionId().isBlank()) {
      problems.add(new ApiFailures.FieldProblem("pool.golden_image_version_id", "is required"));
    }
    io.veneer.api.v1.Resources size = pool.getDesktopSize();
    if (size.getVcpus() < 1) {
      problems.add(new ApiFailures.FieldProblem("pool.desktop_size.vcpus", "must be at least 1"));
    }
    if (size.getMemoryMib() < 1) {
      problems.add(
          new ApiFailures.FieldProblem("pool.desktop_size.memory_mib", "must be at least 1"));
    }
    if (size.getDiskGib() < 1) {
      problems.add(
          new ApiFailures.FieldProblem("pool.desktop_size.disk_gib", "must be at least 1"));
    }
    problems.addAll(sizeProblems(pool));
    GuestHardware hardware = hardware(pool, problems);
    PoolPlacement placement = placement(pool, PoolPlacement.ANYWHERE, problems);
    PoolPower power = power(pool, problems);
    if (!problems.isEmpty()) {
      throw ApiFailures.invalid(problems);
    }
    return new PoolSpec(
        pool.getName(),
        kind,
        "",
        pool.getGoldenImageVersionId(),
        "",
        new Resources(size.getVcpus(), size.getMemoryMib(), size.getDiskGib()),
        pool.getMinSize(),
        pool.getMaxSize(),
        pool.getWarmSpares(),
        // 0 is "unset" in proto3: one refresh at a time, the cautious default.
        Math.max(1, pool.getMaxConcurrentRefreshes()),
        Set.copyOf(pool.getEntitledUsersList()),
        Set.copyOf(pool.getEntitledGroupsList()),
        hardware,
        placement,
        power,
        pool.getUserDataDiskGib());
  }

  /**
   * An update's new spec: the request's pool carries the new sizes, spares and entitlements in full
   * (empty lists clear them); the name, kind and golden version must be left empty or match.
   */
  static PoolSpec changes(PoolSpec current, Pool pool) {
    List<ApiFailures.FieldProblem> problems = new ArrayList<>();
    if (!pool.getName().isEmpty() && !pool.getName().equals(current.name())) {
      problems.add(new ApiFailures.FieldProblem("pool.name", "cannot change"));
    }
    if (pool.getKind() != io.veneer.api.v1.PoolKind.POOL_KIND_UNSPECIFIED
        && pool.getKind() != kind(current.kind())) {
      problems.add(new ApiFailures.FieldProblem("pool.kind", "cannot change"));
    }
    if (!pool.getGoldenImageVersionId().isEmpty()
        && !pool.getGoldenImageVersionId().equals(current.goldenVersion())) {
      problems.add(
          new ApiFailures.FieldProblem(
              "pool.golden_image_version_id", "changes through RollPool, not UpdatePool"));
    }
    io.veneer.api.v1.Resources size = pool.getDesktopSize();
    boolean resized = size.getVcpus() != 0 || size.getMemoryMib() != 0 || size.getDiskGib() != 0;
    if (resized && (size.getVcpus() < 1 || size.getMemoryMib() < 1 || size.getDiskGib() < 1)) {
      problems.add(
          new ApiFailures.FieldProblem(
              "pool.desktop_size", "needs vcpus, memory_mib and disk_gib of at least 1 each"));
    }
    problems.addAll(sizeProblems(pool));
    GuestHardware hardware = hardware(pool, problems);
    PoolPlacement placement = placement(pool, current.placement(), problems);
    PoolPower power = power(pool, problems);
    if (!problems.isEmpty()) {
      throw ApiFailures.invalid(problems);
    }
    return current.toBuilder()
        .size(
            resized
                ? new Resources(size.getVcpus(), size.getMemoryMib(), size.getDiskGib())
                : current.size())
        .minSize(pool.getMinSize())
        .maxSize(pool.getMaxSize())
        .warmSpares(pool.getWarmSpares())
        .maxConcurrentRefresh(
            pool.getMaxConcurrentRefreshes() == 0
                ? current.maxConcurrentRefresh()
                : pool.getMaxConcurrentRefreshes())
        .entitlements(
            Set.copyOf(pool.getEntitledUsersList()), Set.copyOf(pool.getEntitledGroupsList()))
        .hardware(hardware == null ? current.hardware() : hardware)
        .placement(placement)
        .power(power == null ? current.power() : power)
        // 0 is "unset" in proto3: the pool keeps its size (REST turns user-data disks off).
        .userDataDiskGib(
            pool.getUserDataDiskGib() == 0 ? current.userDataDiskGib() : pool.getUserDataDiskGib())
        .build();
  }

  /**
   * The spec on golden version {@code version}, its digest and hardware to be looked up; 0 keeps
   * the pace.
   */
  static PoolSpec rolled(PoolSpec current, String version, int maxConcurrentRefreshes) {
    PoolSpec.Builder rolled = current.toBuilder().golden("", version, "").hardware(null);
    if (maxConcurrentRefreshes != 0) {
      rolled.maxConcurrentRefresh(maxConcurrentRefreshes);
    }
    return rolled.build();
  }

  /** What is wrong with the pool's sizes, spares, refresh pace and user-data disk size. */
  private static List<ApiFailures.FieldProblem> sizeProblems(Pool pool) {
    List<ApiFailures.FieldProblem> problems = new ArrayList<>();
    if (pool.getMinSize() < 0) {
      problems.add(new ApiFailures.FieldProblem("pool.min_size", "cannot be negative"));
    }
    if (pool.getMaxSize() < pool.getMinSize()) {
      problems.add(new ApiFailures.FieldProblem("pool.max_size", "cannot be below min_size"));
    }
    if (pool.getWarmSpares() < 0) {
      problems.add(new ApiFailures.FieldProblem("pool.warm_spares", "cannot be negative"));
    }
    if (pool.getMaxConcurrentRefreshes() < 0) {
      problems.add(
          new ApiFailures.FieldProblem("pool.max_concurrent_refreshes", "cannot be negative"));
    }
    if (pool.getUserDataDiskGib() < 0
        || pool.getUserDataDiskGib() > PoolSpec.MAX_USER_DATA_DISK_GIB) {
      problems.add(
          new ApiFailures.FieldProblem(
              "pool.user_data_disk_gib",
              "must be 1 to " + PoolSpec.MAX_USER_DATA_DISK_GIB + " GiB, or 0 for none"));
    }
    return problems;
  }

  /**
   * The request's required labels as placement rules, with the zone and spread or pack of {@code
   * kept} (the API cannot name them: they are set over REST and kept); wrong labels are added to
   * {@code problems}.
   */
  private static PoolPlacement placement(
      Pool pool, PoolPlacement kept, List<ApiFailures.FieldProblem> problems) {
    try {
      return new PoolPlacement(pool.getRequiredLabelsMap(), kept.requiredZone(), kept.strategy());
    } catch (IllegalArgumentException e) {
      problems.add(new ApiFailures.FieldProblem("pool.required_labels", e.getMessage()));
      return null;
    }
  }

  private static io.veneer.api.v1.PoolKind kind(PoolKind kind) {
    return switch (kind) {
      case POOLED -> io.veneer.api.v1.PoolKind.POOL_KIND_POOLED;
      case DEDICATED -> io.veneer.api.v1.PoolKind.POOL_KIND_DEDICATED;
    };
  }
}
