package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.common.SqlErrors;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.events.PoolEvents;
import io.veneer.controlplane.placement.PlacementService;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSizing;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolState;
import io.veneer.controlplane.userdata.UserDataDisks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings one pool to its spec: restarts carried on and desktops stopped after use refreshed,
 * desktops nobody uses shut down ({@link IdleDesktops}), between its minimum and maximum size with
 * its warm spares free, failed free desktops replaced, free desktops moved off draining hosts, a
 * new golden version rolled out over free desktops a few at a time, and its desktops queued for
 * placement without waiting for it, so that desktops that cannot be placed hold up no other pool. A
 * deleting pool loses its desktops, then is gone. Each pass holds an advisory lock of the pool,
 * skipped by other replicas, so every replica may run it; it does not lock the pool's row, which
 * people's requests touch. A pass that finds the pool filled by requests meanwhile (the database
 * refuses a desktop past the maximum) is given up, and the next pass sees the new size.
 */
@Component
class PoolConvergence {

  private static final Logger log = LoggerFactory.getLogger(PoolConvergence.class);
  private static final String ACTOR = "pool-controller";

  private final PoolRepository pools;
  private final DesktopRepository desktops;
  private final DesktopService desktopService;
  private final PlacementService placement;
  private final DesktopEvents desktopEvents;
  private final PoolEvents poolEvents;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final ReconcilerProperties properties;
  private final IdleDesktops idle;
  private final ScheduledSizing sizing;
  private final UserDataDisks userData;

  PoolConvergence(
      PoolRepository pools,
      DesktopRepository desktops,
      DesktopService desktopService,
      PlacementService placement,
      DesktopEvents desktopEvents,
      PoolEvents poolEvents,
      JdbcTemplate jdbc,
      PlatformTransactionManager transactionManager,
      ReconcilerProperties properties,
      IdleDesktops idle,
      ScheduledSizing sizing,
      UserDataDisks userData) {
    this.userData = userData;
    this.idle = idle;
    this.sizing = sizing;
    this.pools = pools;
    this.desktops = desktops;
    this.desktopService = desktopService;
    this.placement = placement;
    this.desktopEvents = desktopEvents;
    this.poolEvents = poolEvents;
    this.jdbc = jdbc;
    this.transactions = new TransactionTemplate(transactionManager);
    this.properties = properties;
  }

  /** One pass over one pool; does nothing when another replica holds the pool right now. */
  void converge(UUID poolId) {
    List<UUID> toPlace;
    try {
      toPlace = transactions.execute(tx -> convergeLocked(poolId));
    } catch (RuntimeException e) {
      // Raised at the commit (V18), so whatever the transaction manager wraps it in.
      if (!SqlErrors.hasState(e, PoolExhaustedException.SQL_STATE)) {
        throw e;
      }
      log.info("event=pool.filled-meanwhile pool={}", poolId);
      return;
    }
    if (toPlace != null && !toPlace.isEmpty()) {
      placement.enqueue(toPlace);
    }
  }

  private List<UUID> convergeLocked(UUID poolId) {
    Boolean locked =
        jdbc.queryForObject(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('pool-convergence:' || ?, 0))",
            Boolean.class,
            poolId.toString());
    if (!Boolean.TRUE.equals(locked)) {
      return List.of();
    }
    Pool pool = pools.findById(poolId).orElseThrow();
    List<Desktop> all = desktops.findInPool(poolId);
    List<Desktop> touched = new ArrayList<>();
    if (pool.state() == PoolState.DELETING) {
      empty(pool, all, touched);
    } else if (pool.state() == PoolState.ACTIVE) {
      followStops(pool, all, touched);
      idle.shutDown(pool, all, touched);
      resize(pool, all, touched);
      rollOut(pool, all, touched);
      userData.recordHosts(pool.id());
    }
    touched.forEach(desktop -> desktopEvents.publishTransitions(desktop, ACTOR));
    return all.stream().filter(d -> d.state() == DesktopState.REQUESTED).map(Desktop::id).toList();
  }

  private void empty(Pool pool, List<Desktop> all, List<Desktop> touched) {
    for (Desktop desktop : all) {
      if (!desktop.leaving()) {
        desktopService.retire(desktop);
        touched.add(desktop);
      }
    }
    if (all.stream().noneMatch(d -> d.state().present())) {
      pool.markDeleted();
      poolEvents.changed(pool, "deleted", 0, 0, ACTOR);
      log.info("event=pool.deleted pool={}", pool.id());
    }
  }

  /**
   * What waits on an agent seeing a desktop stopped or gone, written here because it changes the
   * spec, which agents' reports never do: a desktop its host came back without is built again on a
   * fresh OS disk, a restart goes on (on again once stopped, over once running again), and a pooled
   * desktop stopped after use gets a fresh overlay from the current golden version (a dedicated one
   * keeps its disk).
   */
  private void followStops(Pool pool, List<Desktop> all, List<Desktop> touched) {
    for (Desktop desktop : all) {
      if (desktop.awaitingRebuild()) {
        desktop.rebuild();
        touched.add(desktop);
        log.info(
            "event=desktop.rebuild desktop={} pool={} osDiskGeneration={}",
            desktop.id(),
            pool.id(),
            desktop.osDiskGeneration());
      } else if (desktop.advanceRestart()) {
        touched.add(desktop);
        log.info(
            "event=desktop.restart-advanced desktop={} pool={} power={}",
            desktop.id(),
            pool.id(),
            desktop.desiredPower());
      } else if (pool.kind() == PoolKind.POOLED && desktop.stoppedAfterUse()) {
        desktop.replaceOsDisk(pool.spec().goldenVersion());
        touched.add(desktop);
        log.info(
            "event=desktop.refresh desktop={} pool={} golden={} osDiskGeneration={}",
            desktop.id(),
            pool.id(),
            desktop.goldenVersion(),
            desktop.osDiskGeneration());
      }
    }
  }

  private void resize(Pool pool, List<Desktop> all, List<Desktop> touched) {
    PoolSpec spec = pool.spec();
    PoolSizing now = sizing.of(pool);
    // A free desktop that failed is replaced rather than retried in place: a fresh clone is the
    // retry, and the bounded creations per pass are the back-off.
    for (Desktop desktop : all) {
      if (desktop.state() == DesktopState.FAILED && desktop.owner().isEmpty()) {
        log.info(
            "event=desktop.replace-failed desktop={} pool={} reason=\"{}\"",
            desktop.id(),
            pool.id(),
            desktop.failureReason().orElse(""));
        desktopService.retire(desktop);
        touched.add(desktop);
      }
    }
    // Free desktops leave a draining host; their replacements are placed on hosts that are UP.
    Set<String> draining =
        Set.copyOf(jdbc.queryForList("SELECT id FROM host WHERE state = 'DRAINING'", String.class));
    for (Desktop desktop : all) {
      boolean onDraining = desktop.hostId().filter(draining::contains).isPresent();
      if (onDraining && desktop.owner().isEmpty() && !desktop.leaving()) {
        log.info(
            "event=desktop.drain desktop={} pool={} host={}",
            desktop.id(),
            pool.id(),
            desktop.hostId().orElseThrow());
        desktopService.retire(desktop);
        touched.add(desktop);
      }
    }
    List<Desktop> live = all.stream().filter(d -> !d.leaving()).toList();
    long assigned = live.stream().filter(d -> d.owner().isPresent()).count();
    long wanted = Math.clamp(assigned + now.warmSpares(), now.minSize(), spec.maxSize());
    long missing = wanted - live.size();
    if (missing > 0) {
      long creating = Math.min(missing, properties.maxCreatesPerPass());
      for (int i = 0; i < creating; i++) {
        Desktop fresh =
            new Desktop(UUID.randomUUID(), pool.id(), null, spec.goldenVersion(), PowerState.ON);
        desktops.saveAndFlush(fresh);
        // The REQUESTED transition lives on this instance, whatever save returns.
        touched.add(fresh);
      }
      log.info(
          "event=pool.grow pool={} live={} wanted={} creating={} sizing=\"{}\"",
          pool.id(),
          live.size(),
          wanted,
          creating,
          now.reason());
    } else if (missing < 0) {
      // Surplus free desktops go, those not yet running first, then the newest.
      List<Desktop> surplus =
          live.stream()
              .filter(d -> d.owner().isEmpty())
              .sorted(
                  Comparator.comparing((Desktop d) -> d.state() == DesktopState.RUNNING)
                      .thenComparing(Desktop::createdAt, Comparator.reverseOrder()))
              .limit(-missing)
              .toList();
      surplus.forEach(desktopService::retire);
      touched.addAll(surplus);
      if (!surplus.isEmpty()) {
        log.info(
            "event=pool.shrink pool={} live={} wanted={} removing={} sizing=\"{}\"",
            pool.id(),
            live.size(),
            wanted,
            surplus.size(),
            now.reason());
      }
    }
  }

  /**
   * Free desktops on an older golden version are refreshed to the current one, at most {@code
   * maxConcurrentRefresh} at a time; desktops in use wait for their user's logoff, which refreshes
   * them to the current version anyway.
   */
  private void rollOut(Pool pool, List<Desktop> all, List<Desktop> touched) {
    PoolSpec spec = pool.spec();
    long refreshing = all.stream().filter(Desktop::refreshing).count();
    for (Desktop desktop : all) {
      if (refreshing >= spec.maxConcurrentRefresh()) {
        return;
      }
      boolean outdated = !desktop.goldenVersion().equals(spec.goldenVersion());
      boolean idle =
          desktop.owner().isEmpty()
              && (desktop.state() == DesktopState.RUNNING
                  || desktop.state() == DesktopState.STOPPED)
              && !desktop.refreshing();
      if (outdated && idle) {
        desktop.replaceOsDisk(spec.goldenVersion());
        touched.add(desktop);
        refreshing++;
        log.info(
            "event=pool.rollout desktop={} pool={} golden={}",
            desktop.id(),
            pool.id(),
            spec.goldenVersion());
      }
    }
  }
}
