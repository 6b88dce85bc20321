package io.veneer.controlplane.pools;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.events.PoolEvents;
import io.veneer.controlplane.idempotency.IdempotencyKeys;
import io.veneer.controlplane.identity.Entitlements;
import io.veneer.controlplane.images.GoldenVersion;
import io.veneer.controlplane.images.GoldenVersions;
import io.veneer.controlplane.security.Caller;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Pool operations shared by the APIs: admins manage pools, users see the ones they may use. */
@Service
public class PoolService {

  private static final Logger log = LoggerFactory.getLogger(PoolService.class);

  private final PoolRepository pools;
  private final IdempotencyKeys idempotencyKeys;

  private final PoolEvents events;
  private final GoldenVersions golden;
  private final AuditLog audit;
  private final Entitlements entitlements;
  private final PoolRollouts rollouts;

  PoolService(
      PoolRepository pools,
      IdempotencyKeys idempotencyKeys,
      PoolEvents events,
      GoldenVersions golden,
      AuditLog audit,
      Entitlements entitlements,
      PoolRollouts rollouts) {
    this.rollouts = rollouts;
    this.audit = audit;
    this.entitlements = entitlements;
    this.pools = pools;
    this.idempotencyKeys = idempotencyKeys;
    this.events = events;
    this.golden = golden;
  }

  /**
   * A spec as it is stored, and the kernel its desktops boot if their bootMode is direct-kernel.
   */
  private record Resolved(
      PoolSpec spec, DirectKernel directKernel, boolean rootFilesystem, boolean carriesKernel) {

    void applyTo(Pool pool) {
      pool.apply(spec);
      pool.directKernel(directKernel);
      pool.treeCarriesKernel(carriesKernel);
    }
  }

  /**
   * The spec as it is stored: with its golden digest, looked up when only the version is named, and
   * its hardware. Hardware the request names is taken; else the golden image's, when its version is
   * looked up; else {@code kept} (what the pool had, or the default for a new pool). The kernel is
   * the looked-up version's; with a digest named instead, the pool's own while it stays on that
   * version and digest, else none.
   *
   * @throws IllegalArgumentException when the hardware boots a kernel directly and there is none
   */
  private Resolved resolved(PoolSpec spec, Pool kept) {
    GuestHardware keptHardware = kept == null ? GuestHardware.DEFAULT : kept.spec().hardware();
    Resolved resolved;
    if (!spec.goldenDigest().isBlank()) {
      boolean sameVersion =
          kept != null
              && kept.spec().goldenVersion().equals(spec.goldenVersion())
              && kept.spec().goldenDigest().equals(spec.goldenDigest());
      resolved =
          new Resolved(
              spec.hardware() == null ? spec.toBuilder().hardware(keptHardware).build() : spec,
              sameVersion ? kept.directKernel() : DirectKernel.NONE,
              // Only a looked-up version says what its bits are; a pool keeps what it had.
              sameVersion && keptHardware.bootMode().equals("shared-root"),
              sameVersion && kept.treeCarriesKernel());
    } else {
      GoldenVersion version = golden.published(spec.goldenVersion());
      resolved =
          new Resolved(
              spec.toBuilder()
                  .golden(version.imageName(), version.versionId(), version.digest())
                  .hardware(spec.hardware() == null ? imageHardware(version) : spec.hardware())
                  .build(),
              version.directKernel(),
              version.rootFilesystem(),
              version.carriesKernel());
    }
    requireBitsFitTheBootMode(spec, resolved);
    if (resolved.spec().hardware().bootMode().equals("direct-kernel")
        && !resolved.directKernel().present()) {
      throw new IllegalArgumentException(
          spec.goldenDigest().isBlank()
              ? "hardware.bootMode direct-kernel needs a kernel, and golden image version "
                  + spec.goldenVersion()
                  + " carries none: add one to a new version (PUT .../versions/{id}/kernel)"
                  + " before publishing it, or use bootMode disk"
              : "hardware.bootMode direct-kernel needs the golden version's kernel: name the"
                  + " version (goldenVersion) without goldenDigest, so that it is looked up in"
                  + " the golden image service");
    }
    return resolved;
  }

  /**
   * The image's hardware; a root-filesystem version's desktops boot shared-root whatever it says.
   */
  private static GuestHardware imageHardware(GoldenVersion version) {
    GuestHardware hardware = version.hardware();
    return version.rootFilesystem()
        ? new GuestHardware(
            hardware.machine(), hardware.firmware(), "shared-root", hardware.display())
        : hardware;
  }

  /**
   * A root-filesystem version only backs shared-root desktops, and shared-root desktops only boot
   * from one.
   *
   * @throws IllegalArgumentException naming hardware.bootMode and what to change
   */
  private static void requireBitsFitTheBootMode(PoolSpec requested, Resolved resolved) {
    boolean sharedRoot = resolved.spec().hardware().bootMode().equals("shared-root");
    if (sharedRoot && !resolved.rootFilesystem()) {
      throw new IllegalArgumentException(
          requested.goldenDigest().isBlank()
              ? "hardware.bootMode shared-root needs a root-filesystem golden version, and golden"
                  + " image version "
                  + requested.goldenVersion()
                  + " is a disk: upload a root-filesystem tar as a version"
                  + " (POST .../versions?kind=rootfs), or use bootMode disk"
              : "hardware.bootMode shared-root needs to know the golden version is a root"
                  + " filesystem: name the version (goldenVersion) without goldenDigest, so that"
                  + " it is looked up in the golden image service");
    }
    if (!sharedRoot && resolved.rootFilesystem()) {
      throw new IllegalArgumentException(
          "hardware.bootMode must be shared-root: golden image version "
              + requested.goldenVersion()
              + " is a root filesystem, which no disk or kernel boots");
    }
  }

  @Transactional
  public PoolView create(Caller caller, PoolSpec spec, String idempotencyKey) {
    caller.requireAdmin("Creating a pool");
    UUID id = UUID.randomUUID();
    if (idempotencyKey != null) {
      Optional<String> earlier =
          idempotencyKeys.reserve(
              caller.subject(),
              idempotencyKey,
              "create-pool",
              Integer.toHexString(spec.hashCode()),
              id.toString());
      if (earlier.isPresent()) {
        return view(pools.findById(UUID.fromString(earlier.get())).orElseThrow());
      }
    }
    Resolved resolved = resolved(spec, null);
    Pool created = new Pool(id, resolved.spec());
    resolved.applyTo(created);
    Pool pool = pools.saveAndFlush(created);
    events.changed(pool, "created", 0, 0, caller.subject());
    audit.record(caller, "pool.create", "pool", id, spec.name());
    log.info(
        "event=pool.created pool={} name={} kind={} hardware={}",
        id,
        spec.name(),
        spec.kind(),
        pool.spec().hardware());
    return view(pool);
  }

  /**
   * Replaces a pool's spec. The pool controller then resizes it, and a new golden version rolls
   * out: free desktops first, at most {@code maxConcurrentRefresh} at a time, and desktops in use
   * at their user's next logoff.
   */
  @Transactional
  public PoolView update(Caller caller, UUID id, PoolSpec spec) {
    caller.requireAdmin("Changing a pool");
    Pool pool =
        pools
            .lockById(id)
            .filter(p -> p.state() == PoolState.ACTIVE)
            .orElseThrow(() -> new NotFoundException("Pool", id));
    if (pool.kind() != spec.kind()) {
      throw new IllegalArgumentException(
          "Pool "
              + pool.name()
              + " is "
              + pool.kind()
              + "; its kind cannot change. Create a new pool instead.");
    }
    resolved(spec, pool).applyTo(pool);
    pools.flush();
    events.changed(pool, "updated", 0, 0, caller.subject());
    audit.record(
        caller,
        "pool.update",
        "pool",
        id,
        "size " + spec.minSize() + ".." + spec.maxSize() + ", golden " + spec.goldenVersion());
    log.info("event=pool.updated pool={} golden={}", id, spec.goldenVersion());
    return view(pool);
  }

  /**
   * Deletes a pool: it stops taking requests at once; the pool controller removes every desktop
   * from its host, releasing their claims, and then the pool is gone.
   */
  @Transactional
  public PoolView delete(Caller caller, UUID id) {
    caller.requireAdmin("Deleting a pool");
    Pool pool =
        pools
            .lockById(id)
            .filter(p -> p.state() != PoolState.DELETED)
            .orElseThrow(() -> new NotFoundException("Pool", id));
    if (pool.state() == PoolState.ACTIVE) {
      pool.markDeleting();
      pools.flush();
      events.changed(pool, "deleting", 0, 0, caller.subject());
      audit.record(caller, "pool.delete", "pool", id, pool.name());
      log.info("event=pool.deleting pool={}", id);
    }
    return view(pool);
  }

  private PoolView view(Pool pool) {
    return PoolView.of(pool, rollouts.of(pool.id(), pool.spec().goldenVersion()));
  }

  @Transactional(readOnly = true)
  public PoolView get(Caller caller, UUID id) {
    return pools
        .findById(id)
        .filter(p -> p.state() != PoolState.DELETED)
        .filter(entitlements.of(caller))
        .map(pool -> view(pool).seenBy(caller))
        .orElseThrow(() -> new NotFoundException("Pool", id));
  }

  /** Pools the caller may see, by id, after {@code cursor}. */
  @Transactional(readOnly = true)
  public Page<PoolView> list(Caller caller, String cursor, int limit) {
    UUID after = cursor == null || cursor.isBlank() ? new UUID(0, 0) : UUID.fromString(cursor);
    int size = Math.clamp(limit, 1, 500);
    // Pools are few (tens); entitlement is filtered here rather than in SQL.
    Map<UUID, PoolRollout> rollouts = this.rollouts.all();
    List<PoolView> visible =
        pools.findLive().stream()
            .filter(entitlements.of(caller))
            .sorted(java.util.Comparator.comparing(p -> p.id().toString()))
            .filter(p -> p.id().toString().compareTo(after.toString()) > 0)
            .map(p -> PoolView.of(p, rollouts.getOrDefault(p.id(), PoolRollout.EMPTY)))
            .map(view -> view.seenBy(caller))
            .toList();
    List<PoolView> items = visible.stream().limit(size).toList();
    return new Page<>(items, visible.size() > size ? items.getLast().id().toString() : null);
  }
}
