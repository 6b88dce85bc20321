package io.veneer.controlplane.desktops;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.common.Page;
import io.veneer.controlplane.common.SqlErrors;
import io.veneer.controlplane.common.Traces;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.idempotency.IdempotencyKeys;
import io.veneer.controlplane.identity.Entitlements;
import io.veneer.controlplane.identity.GroupDirectory;
import io.veneer.controlplane.placement.PlacementService;
import io.veneer.controlplane.placement.ResourceClaims;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolState;
import io.veneer.controlplane.quotas.Quotas;
import io.veneer.controlplane.security.Caller;
import io.veneer.controlplane.security.ForbiddenException;
import io.veneer.controlplane.userdata.UserDataDisk;
import io.veneer.controlplane.userdata.UserDataDisks;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The desktop operations every API shares. Authorisation is decided here, once: a user sees and
 * acts only on their own desktops (others' look like they do not exist), an admin on all.
 */
@Service
public class DesktopService {

  private static final Logger log = LoggerFactory.getLogger(DesktopService.class);
  private static final UUID FIRST = new UUID(0, 0);

  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final IdempotencyKeys idempotencyKeys;
  private final PlacementService placement;
  private final ResourceClaims claims;

  /** How often a request is tried when the same person's other request raced it. */
  private static final int HAND_OUT_ATTEMPTS = 3;

  /** The unique index of one live desktop per person and pool (V8). */
  private static final String ONE_PER_OWNER = "desktop_one_per_owner_idx";

  private final TransactionTemplate transactions;
  private final DesktopEvents events;

  private final AuditLog audit;
  private final Entitlements entitlements;
  private final GroupDirectory directory;
  private final Quotas quotas;
  private final UserDataDisks userData;

  DesktopService(
      DesktopRepository desktops,
      PoolRepository pools,
      IdempotencyKeys idempotencyKeys,
      PlacementService placement,
      ResourceClaims claims,
      PlatformTransactionManager transactionManager,
      DesktopEvents events,
      AuditLog audit,
      Entitlements entitlements,
      GroupDirectory directory,
      Quotas quotas,
      UserDataDisks userData) {
    this.userData = userData;
    this.entitlements = entitlements;
    this.directory = directory;
    this.quotas = quotas;
    this.events = events;
    this.audit = audit;
    this.desktops = desktops;
    this.pools = pools;
    this.idempotencyKeys = idempotencyKeys;
    this.placement = placement;
    this.claims = claims;
    this.transactions = new TransactionTemplate(transactionManager);
  }

  /** What a create asks for; {@code owner} defaults to the caller (only admins name another). */
  public record CreateDesktop(UUID poolId, String owner) {}

  /**
   * Gives the caller (or, for an admin, {@code owner}) a desktop of an entitled pool: the one they
   * already have there, else a free one (a running warm spare first), else a new one while the pool
   * is below its maximum size, which is then placed. The same {@code idempotencyKey} (if any) from
   * the same caller returns the first call's desktop.
   *
   * @throws PoolExhaustedException when the pool has no free desktop and is at its maximum
   */
  public DesktopView create(Caller caller, CreateDesktop request, String idempotencyKey) {
    String owner = request.owner() == null ? caller.subject() : request.owner();
    if (!caller.mayActOnBehalfOf(owner)) {
      throw new ForbiddenException("Only an admin can create a desktop for another user");
    }
    if (request.poolId() == null) {
      throw new IllegalArgumentException(
          "Say which pool the desktop comes from: poolId is missing");
    }
    Desktop given = handOut(caller, request.poolId(), owner, idempotencyKey);
    if (given.state() == DesktopState.REQUESTED) {
      placement.place(given.id());
    }
    return get(caller, given.id());
  }

  /**
   * Finds the request its desktop without holding the pool: free desktops are taken with {@code FOR
   * UPDATE SKIP LOCKED}, so concurrent requests take different ones; the pool's size is checked
   * against the live count the database keeps (V8), which locks the pool row only inside the commit
   * (V18), where a desktop past the maximum fails the commit; and two concurrent requests of one
   * person meet at the unique index of one live desktop per person and pool, where the second is
   * answered with the first's desktop.
   */
  private Desktop handOut(Caller caller, UUID poolId, String owner, String idempotencyKey) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transactions.execute(tx -> handOutOnce(caller, poolId, owner, idempotencyKey));
      } catch (RuntimeException e) {
        if (SqlErrors.hasState(e, PoolExhaustedException.SQL_STATE)) {
          Pool pool = pools.findById(poolId).orElseThrow();
          throw new PoolExhaustedException(pool.name(), pool.spec().maxSize());
        }
        if (attempt == HAND_OUT_ATTEMPTS || !SqlErrors.violates(e, ONE_PER_OWNER)) {
          throw e;
        }
        log.info("event=desktop.request-raced pool={} owner={}", poolId, owner);
      }
    }
  }

  private Desktop handOutOnce(Caller caller, UUID poolId, String owner, String idempotencyKey) {
    Pool pool =
        pools
            .findById(poolId)
            .filter(p -> p.state() == PoolState.ACTIVE)
            .filter(entitlements.of(caller))
            .orElseThrow(() -> new NotFoundException("Pool", poolId));
    UUID id = UUID.randomUUID();
    if (idempotencyKey != null) {
      Optional<String> earlier =
          idempotencyKeys.reserve(
              caller.subject(),
              idempotencyKey,
              "create-desktop",
              pool.id() + "/" + owner,
              id.toString());
      if (earlier.isPresent()) {
        return desktops.findById(UUID.fromString(earlier.get())).orElseThrow();
      }
    }
    Set<String> groups = groupsOf(caller, owner);
    Quotas.Locked quota = quotas.lock(owner, groups);
    Optional<Desktop> held = desktops.findLiveByPoolAndOwner(pool.id(), owner);
    if (held.isEmpty()) {
      // Only a desktop the holder does not have yet counts against their quotas.
      quota.admit(pool.spec().size());
    }
    Optional<UserDataDisk> disk =
        pool.spec().userDataDiskGib() > 0
            ? Optional.of(userData.lockOrRecord(pool.id(), owner, pool.spec().userDataDiskGib()))
            : Optional.empty();
    Desktop given =
        held.or(() -> assignFree(caller, pool, owner, groups, disk.flatMap(UserDataDisk::hostId)))
            .orElseGet(() -> createNew(caller, pool, owner, groups, id));
    disk.ifPresent(own -> attachUserData(caller, pool, own, given));
    if (idempotencyKey != null && !given.id().equals(id)) {
      idempotencyKeys.settle(caller.subject(), idempotencyKey, given.id().toString());
    }
    // Here rather than at commit, so that a lost race surfaces as the exception handOut retries.
    desktops.flush();
    return given;
  }

  /**
   * The groups whose quotas a desktop for {@code owner} counts in: the caller's own, when they ask
   * for themselves; none when an admin asks for another user, whose groups the directory cannot
   * tell (control-plane/README.md, "Quotas").
   */
  private Set<String> groupsOf(Caller caller, String owner) {
    return owner.equals(caller.subject()) ? directory.groupsOf(caller) : Set.of();
  }

  /**
   * Attaches the holder's user-data disk to the desktop they were given. One on another host than
   * the disk's runs without it: disks do not move between hosts yet (control-plane/README.md,
   * "Persistent user data").
   */
  private void attachUserData(Caller caller, Pool pool, UserDataDisk disk, Desktop desktop) {
    if (desktop.userDataDiskId().filter(disk.id()::equals).isPresent()) {
      return;
    }
    boolean attached = userData.attach(disk, desktop);
    String detail =
        attached
            ? "user-data disk " + disk.id() + " of " + disk.owner() + " attached"
            : "user-data disk "
                + disk.id()
                + " of "
                + disk.owner()
                + " stays on host "
                + disk.hostId().orElseThrow()
                + "; desktop on "
                + desktop.hostId().orElseThrow()
                + " runs without it";
    audit.record(caller, "desktop.user-data-attach", "desktop", desktop.id(), detail);
    log.info(
        "event=desktop.user-data desktop={} pool={} disk={} attached={} diskHost={}",
        desktop.id(),
        pool.id(),
        disk.id(),
        attached,
        disk.hostId().orElse("-"));
  }

  /** A free desktop of the pool, one on {@code preferredHost} (a user-data disk's) first. */
  private Optional<Desktop> assignFree(
      Caller caller, Pool pool, String owner, Set<String> groups, Optional<String> preferredHost) {
    return desktops
        .lockOneFree(pool.id(), preferredHost.orElse(""))
        .flatMap(desktops::findById)
        .map(
            desktop -> {
              desktop.assignTo(owner, groups);
              Traces.current().ifPresent(desktop::tracedBy);
              desktop.desirePower(PowerState.ON);
              events.publishTransitions(desktop, caller.subject());
              audit.record(
                  caller,
                  "desktop.request",
                  "desktop",
                  desktop.id(),
                  "free desktop of pool " + pool.name() + " assigned to " + owner);
              log.info(
                  "event=desktop.assigned desktop={} pool={} owner={} state={}",
                  desktop.id(),
                  pool.id(),
                  owner,
                  desktop.state());
              return desktop;
            });
  }

  private Desktop createNew(Caller caller, Pool pool, String owner, Set<String> groups, UUID id) {
    Desktop fresh = new Desktop(id, pool.id(), owner, pool.spec().goldenVersion(), PowerState.ON);
    fresh.heldIn(groups);
    Traces.current().ifPresent(fresh::tracedBy);
    events.publishTransitions(fresh, caller.subject());
    audit.record(
        caller,
        "desktop.request",
        "desktop",
        id,
        "new desktop of pool " + pool.name() + " for " + owner);
    desktops.saveAndFlush(fresh);
    log.info("event=desktop.requested desktop={} pool={} owner={}", id, pool.id(), owner);
    return fresh;
  }

  /**
   * The user is done with the desktop. A pooled desktop goes back to its pool: its overlay is
   * discarded and recreated from the pool's current golden version, and it waits, running, for the
   * next user. A dedicated desktop keeps its disk and its owner, and is powered off.
   */
  public DesktopView logoff(Caller caller, UUID id) {
    return change(
        caller,
        id,
        "logoff",
        desktop -> {
          Pool pool = pools.findById(desktop.poolId()).orElseThrow();
          if (pool.kind() == PoolKind.DEDICATED) {
            desktop.wantPower(PowerState.OFF);
            return;
          }
          if (desktop.owner().isEmpty()) {
            return;
          }
          // Its guest may have the holder's user-data disk open whatever its phase: rebuilding it
          // stops that guest, and the disk's next attachment waits for that (UserDataDisks).
          boolean hadUserData = desktop.userDataDiskId().isPresent();
          desktop.release();
          desktop.desirePower(PowerState.ON);
          switch (desktop.phase()) {
            case RUNNING, STOPPING, STOPPED -> desktop.replaceOsDisk(pool.spec().goldenVersion());
            // Never used yet, or about to be rebuilt or removed anyway: nothing to discard.
            default -> {
              if (hadUserData && desktop.hostId().isPresent()) {
                desktop.replaceOsDisk(pool.spec().goldenVersion());
              }
            }
          }
        });
  }

  public DesktopView get(Caller caller, UUID id) {
    return transactions.execute(tx -> DesktopView.of(visible(caller, id)));
  }

  /** Desktops the caller may see, by id, after {@code cursor}. */
  public Page<DesktopView> list(Caller caller, String cursor, int limit) {
    UUID after = cursor == null || cursor.isBlank() ? FIRST : UUID.fromString(cursor);
    int size = Math.clamp(limit, 1, 500);
    List<Desktop> page =
        caller.admin()
            ? desktops.findByIdGreaterThanOrderByIdAsc(after, Limit.of(size + 1))
            : desktops.findByOwnerAndIdGreaterThanOrderByIdAsc(
                caller.subject(), after, Limit.of(size + 1));
    List<DesktopView> items = page.stream().limit(size).map(DesktopView::of).toList();
    String next = page.size() > size ? items.getLast().id().toString() : null;
    return new Page<>(items, next);
  }

  /**
   * Wants the desktop powered on: a change of its spec only; its agent starts it and reports it
   * STARTING, then RUNNING. A no-op if it is already wanted on.
   */
  public DesktopView start(Caller caller, UUID id) {
    return change(caller, id, "start", desktop -> desktop.wantPower(PowerState.ON));
  }

  /**
   * Reboots a running desktop, keeping its disks: it is wanted off now, and the pool controller
   * wants it on again once its agent reports it stopped.
   */
  public DesktopView restart(Caller caller, UUID id) {
    return change(caller, id, "restart", Desktop::restart);
  }

  /**
   * Wants the desktop powered off: a change of its spec only; its agent stops it and reports it
   * STOPPING, then STOPPED. A no-op if it is already wanted off.
   */
  public DesktopView stop(Caller caller, UUID id) {
    return change(caller, id, "stop", desktop -> desktop.wantPower(PowerState.OFF));
  }

  /** Deletes the desktop: its agent removes it; one that never reached a host goes at once. */
  public DesktopView delete(Caller caller, UUID id) {
    return change(caller, id, "delete", this::retire);
  }

  /**
   * Asks for a desktop's deletion inside the caller's transaction, a change of its spec: its agent
   * removes it from the host and reports it absent ({@link #removed}); one that never reached a
   * host is gone at once. A FAILED desktop that had a host is removed by that agent like any other.
   */
  public void retire(Desktop desktop) {
    if (desktop.leaving()) {
      return;
    }
    desktop.requestDeletion();
    if (desktop.hostId().isEmpty()) {
      removed(desktop);
    }
  }

  /** The desktop's host no longer holds it (or never did): it is gone and its claim released. */
  public void removed(Desktop desktop) {
    desktop.moveTo(DesktopState.DELETED);
    claims.release(desktop.id());
  }

  /**
   * Applies a person's change to the desktop, once. Agents' reports write the desktop's status, not
   * its spec, so they never make a change of the spec fail or retry (Desktop); another writer of
   * the same half at the same moment (a second request, the pool controller) makes the later one
   * fail with a conflict the caller may send again.
   */
  private DesktopView change(
      Caller caller, UUID id, String verb, java.util.function.Consumer<Desktop> action) {
    return transactions.execute(
        tx -> {
          Desktop desktop = visible(caller, id);
          DesktopState before = desktop.state();
          action.accept(desktop);
          events.publishTransitions(desktop, caller.subject());
          audit.record(caller, "desktop." + verb, "desktop", id, before + " -> " + desktop.state());
          desktops.flush();
          log.info(
              "event=desktop.changed desktop={} from={} to={} by={}",
              id,
              before,
              desktop.state(),
              caller.subject());
          return DesktopView.of(desktop);
        });
  }

  private Desktop visible(Caller caller, UUID id) {
    return desktops
        .findById(id)
        .filter(d -> caller.mayActOnBehalfOf(d.owner().orElse(null)))
        .orElseThrow(() -> new NotFoundException("Desktop", id));
  }
}
