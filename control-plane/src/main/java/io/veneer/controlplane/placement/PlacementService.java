package io.veneer.controlplane.placement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.scheduler.PlacementResult;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Places a REQUESTED desktop: snapshot, ask the scheduler, claim on the chosen host with the
 * generation check, and mark the desktop SCHEDULED, all or nothing. A lost race retries on a fresh
 * snapshot, so two replicas placing at once never push a host past capacity x ratio.
 */
@Service
public class PlacementService {

  private static final Logger log = LoggerFactory.getLogger(PlacementService.class);

  private final ClusterSnapshots snapshots;
  private final DesktopScheduler scheduler;
  private final ResourceClaims claims;
  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final TransactionTemplate transactions;
  private final PlacementProperties properties;
  private final Counter placed;
  private final Counter unschedulable;
  private final Counter conflicts;
  private final DesktopEvents events;

  PlacementService(
      ClusterSnapshots snapshots,
      DesktopScheduler scheduler,
      ResourceClaims claims,
      DesktopRepository desktops,
      PoolRepository pools,
      PlatformTransactionManager transactionManager,
      PlacementProperties properties,
      MeterRegistry meters,
      DesktopEvents events) {
    this.events = events;
    this.snapshots = snapshots;
    this.scheduler = scheduler;
    this.claims = claims;
    this.desktops = desktops;
    this.pools = pools;
    this.transactions = new TransactionTemplate(transactionManager);
    this.properties = properties;
    this.placed = meters.counter("veneer.placements", "outcome", "placed");
    this.unschedulable = meters.counter("veneer.placements", "outcome", "unschedulable");
    this.conflicts = meters.counter("veneer.placement.claim.conflicts");
  }

  public PlacementOutcome place(UUID desktopId) {
    String reason = "no attempt was made";
    for (int attempt = 1; attempt <= properties.maxAttempts(); attempt++) {
      ClusterSnapshot snapshot = snapshots.take();
      int tried = attempt;
      PlacementOutcome outcome;
      try {
        outcome = transactions.execute(tx -> attemptOnce(desktopId, snapshot, tried, tx));
      } catch (OptimisticLockingFailureException | DataIntegrityViolationException e) {
        // Another replica changed this desktop meanwhile; the next attempt sees what it did.
        outcome = null;
      }
      if (outcome != null) {
        switch (outcome) {
          case PlacementOutcome.Placed p -> {
            placed.increment();
            log.info(
                "event=desktop.placed desktop={} host={} attempts={}",
                desktopId,
                p.hostId(),
                tried);
          }
          case PlacementOutcome.Unschedulable u -> {
            unschedulable.increment();
            log.info("event=desktop.unschedulable desktop={} reason=\"{}\"", desktopId, u.reason());
          }
          case PlacementOutcome.NotPending n -> {}
        }
        return outcome;
      }
      conflicts.increment();
      reason = "lost " + attempt + " claim races in a row";
      backOff(attempt);
    }
    // Still REQUESTED: the reconciler tries again later.
    log.warn("event=desktop.placement-gave-up desktop={} reason=\"{}\"", desktopId, reason);
    return new PlacementOutcome.Unschedulable(desktopId, reason);
  }

  /** One try; null when the claim lost a race (the transaction is then rolled back). */
  private PlacementOutcome attemptOnce(
      UUID desktopId, ClusterSnapshot snapshot, int attempt, TransactionStatus tx) {
    Desktop desktop =
        desktops.findById(desktopId).orElseThrow(() -> new NotFoundException("Desktop", desktopId));
    if (desktop.state() != DesktopState.REQUESTED) {
      return new PlacementOutcome.NotPending(desktopId, "desktop is " + desktop.state());
    }
    Pool pool =
        pools
            .findById(desktop.poolId())
            .orElseThrow(() -> new NotFoundException("Pool", desktop.poolId()));
    PoolSpec spec = pool.spec();
    PlacementResult result =
        scheduler.choose(
            snapshot,
            new DesktopScheduler.Need(
                spec.size(),
                spec.goldenDigest(),
                pool.id().toString(),
                desktop.owner().orElse("")));
    return switch (result) {
      case PlacementResult.Unschedulable u -> {
        desktop.markUnschedulable(u.explanation());
        yield new PlacementOutcome.Unschedulable(desktopId, u.explanation());
      }
      case PlacementResult.Placed p -> {
        if (claims.claim(desktopId, p.hostId(), spec.size())
            == ResourceClaims.ClaimOutcome.LOST_RACE) {
          tx.setRollbackOnly();
          yield null;
        }
        desktop.scheduleOn(p.hostId());
        events.publishTransitions(desktop, "placement");
        yield new PlacementOutcome.Placed(desktopId, p.hostId(), p.score(), attempt);
      }
    };
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2 + Math.min(attempt, 20) * 2L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
