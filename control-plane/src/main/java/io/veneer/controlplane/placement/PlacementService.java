package io.veneer.controlplane.placement;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.userdata.UserDataDisks;
import io.veneer.outbox.OutboxEvent;
import io.veneer.scheduler.BatchResult;
import io.veneer.scheduler.PlacementResult;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Places REQUESTED desktops in batches, one batch at a time per replica, the way Nomad's plan queue
 * serialises plans: requests queue their desktop and wait for its outcome, the pool controller
 * queues its desktops and goes on ({@link #enqueue}); the worker takes whatever is queued (up to
 * {@code max-batch}), reads the changed hosts into its in-memory {@link ClusterState}, asks the
 * scheduler once per pool ({@code placeBatch}), and claims every chosen host in PostgreSQL with the
 * generation check, all in one transaction. A boot storm is thus placed with one snapshot and one
 * commit per batch instead of per desktop. A claim that lost a race (another replica filled the
 * host) is tried again on fresh state; a desktop that cannot be placed stays REQUESTED with the
 * scheduler's explanation, and the reconciler tries it again later.
 */
@Service
public class PlacementService implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PlacementService.class);

  /** A desktop waiting for a host, and the caller waiting for the answer. */
  private record Waiting(UUID desktopId, CompletableFuture<PlacementOutcome> outcome, int attempt) {
    Waiting again() {
      return new Waiting(desktopId, outcome, attempt + 1);
    }
  }

  private final ClusterState cluster;
  private final DesktopScheduler scheduler;
  private final ResourceClaims claims;
  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final TransactionTemplate transactions;
  private final PlacementProperties properties;
  private final DesktopEvents events;
  private final UserDataDisks userData;
  private final Counter placed;
  private final Counter unschedulable;
  private final Counter conflicts;
  private final DistributionSummary batchSizes;
  private final LinkedBlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
  private final Set<UUID> queuedByController = ConcurrentHashMap.newKeySet();
  private volatile Thread worker;
  private volatile boolean running;

  PlacementService(
      ClusterState cluster,
      DesktopScheduler scheduler,
      ResourceClaims claims,
      DesktopRepository desktops,
      PoolRepository pools,
      PlatformTransactionManager transactionManager,
      PlacementProperties properties,
      MeterRegistry meters,
      DesktopEvents events,
      UserDataDisks userData) {
    this.userData = userData;
    this.cluster = cluster;
    this.scheduler = scheduler;
    this.claims = claims;
    this.desktops = desktops;
    this.pools = pools;
    this.transactions = new TransactionTemplate(transactionManager);
    this.properties = properties;
    this.events = events;
    this.placed = meters.counter("veneer.placements", "outcome", "placed");
    this.unschedulable = meters.counter("veneer.placements", "outcome", "unschedulable");
    this.conflicts = meters.counter("veneer.placement.claim.conflicts");
    this.batchSizes = meters.summary("veneer.placement.batch.size");
  }

  /** Places one desktop; see {@link #placeAll}. */
  public PlacementOutcome place(UUID desktopId) {
    return placeAll(List.of(desktopId)).getFirst();
  }

  /**
   * Queues the desktops for placement and waits, up to {@code wait-timeout} in all, for each one's
   * outcome, in the order given. A desktop not placed by then is {@link PlacementOutcome.Queued}.
   */
  public List<PlacementOutcome> placeAll(Collection<UUID> desktopIds) {
    List<Waiting> waiting =
        desktopIds.stream().map(id -> new Waiting(id, new CompletableFuture<>(), 1)).toList();
    if (!running) {
      return waiting.stream()
          .map(w -> (PlacementOutcome) new PlacementOutcome.Queued(w.desktopId()))
          .toList();
    }
    queue.addAll(waiting);
    long deadline = System.nanoTime() + properties.waitTimeout().toNanos();
    return waiting.stream().map(w -> await(w, deadline)).toList();
  }

  /**
   * Queues the desktops for placement and returns at once: the pool controller's way, so that one
   * pool's desktops that cannot be placed hold up no other pool's pass. A desktop already queued
   * this way is not queued again until its outcome is known.
   */
  public void enqueue(Collection<UUID> desktopIds) {
    if (!running) {
      return;
    }
    for (UUID id : desktopIds) {
      if (queuedByController.add(id)) {
        Waiting waiting = new Waiting(id, new CompletableFuture<>(), 1);
        waiting.outcome().whenComplete((outcome, failure) -> queuedByController.remove(id));
        queue.add(waiting);
      }
    }
  }

  private static PlacementOutcome await(Waiting waiting, long deadline) {
    try {
      return waiting.outcome().get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return new PlacementOutcome.Queued(waiting.desktopId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PlacementOutcome.Queued(waiting.desktopId());
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Placing desktop " + waiting.desktopId() + " failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  private void work() {
    while (running) {
      List<Waiting> batch = new ArrayList<>();
      try {
        Waiting first = queue.poll(500, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, properties.maxBatch() - 1);
      try {
        place(batch);
      } catch (RuntimeException e) {
        log.error("event=placement.batch-failed size={} error=\"{}\"", batch.size(), e, e);
        batch.forEach(w -> w.outcome().completeExceptionally(e));
      }
    }
  }

  private void place(List<Waiting> batch) {
    batchSizes.record(batch.size());
    long started = System.nanoTime();
    Batch attempt = new Batch(batch);
    try {
      transactions.executeWithoutResult(tx -> attempt.run());
    } catch (RuntimeException e) {
      attempt.touched.forEach(cluster::changed);
      if (batch.size() > 1) {
        // One desktop changed under the batch (a person deleted it, another replica placed it):
        // placing each alone keeps the others from paying for it.
        log.info("event=placement.batch-split size={} error=\"{}\"", batch.size(), e.getMessage());
        batch.forEach(w -> place(List.of(w)));
      } else {
        tryAgain(batch.getFirst(), e.getClass().getSimpleName());
      }
      return;
    }
    attempt.touched.forEach(cluster::changed);
    log.info(
        "event=placement.batch size={} decided={} lost={} millis={}",
        batch.size(),
        attempt.outcomes.size(),
        attempt.lost.size(),
        (System.nanoTime() - started) / 1_000_000);
    attempt.outcomes.forEach(this::complete);
    attempt.lost.forEach(w -> tryAgain(w, "lost a claim race"));
  }

  private void complete(Waiting waiting, PlacementOutcome outcome) {
    switch (outcome) {
      case PlacementOutcome.Placed p -> {
        placed.increment();
        log.info(
            "event=desktop.placed desktop={} host={} attempts={}",
            p.desktopId(),
            p.hostId(),
            p.attempts());
      }
      case PlacementOutcome.Unschedulable u -> {
        unschedulable.increment();
        log.info("event=desktop.unschedulable desktop={} reason=\"{}\"", u.desktopId(), u.reason());
      }
      case PlacementOutcome.NotPending n -> {}
      case PlacementOutcome.Queued q -> {}
    }
    waiting.outcome().complete(outcome);
  }

  private void tryAgain(Waiting waiting, String why) {
    conflicts.increment();
    if (waiting.attempt() >= properties.maxAttempts()) {
      String reason = "lost " + waiting.attempt() + " claim races in a row";
      // Still REQUESTED: the reconciler tries again later.
      log.warn(
          "event=desktop.placement-gave-up desktop={} reason=\"{}\"", waiting.desktopId(), reason);
      waiting.outcome().complete(new PlacementOutcome.Unschedulable(waiting.desktopId(), reason));
      return;
    }
    // A short, growing, random pause, so two replicas racing for one host do not race again.
    long pause = ThreadLocalRandom.current().nextLong(1, 2 + Math.min(waiting.attempt(), 20) * 2L);
    log.debug("event=placement.retry desktop={} why=\"{}\"", waiting.desktopId(), why);
    CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS)
        .execute(() -> queue.add(waiting.again()));
  }

  /** One batch's transaction: what it decided, and which hosts it touched. */
  private final class Batch {
    private final Map<UUID, List<Waiting>> waiting;
    private final Map<Waiting, PlacementOutcome> outcomes = new LinkedHashMap<>();
    private final List<Waiting> lost = new ArrayList<>();
    private final List<String> touched = new ArrayList<>();
    private boolean verified;

    Batch(List<Waiting> batch) {
      // The same desktop may be queued twice (its request and the pool controller): one answer.
      this.waiting =
          batch.stream()
              .collect(
                  Collectors.groupingBy(
                      Waiting::desktopId, LinkedHashMap::new, Collectors.toList()));
    }

    void run() {
      Map<UUID, Desktop> found =
          desktops.findAllById(waiting.keySet()).stream()
              .collect(Collectors.toMap(Desktop::id, Function.identity()));
      Map<UUID, List<Desktop>> byPool = new LinkedHashMap<>();
      waiting.forEach(
          (id, callers) -> {
            Desktop desktop = found.get(id);
            if (desktop == null) {
              decide(id, new PlacementOutcome.NotPending(id, "there is no such desktop"));
            } else if (desktop.state() != DesktopState.REQUESTED) {
              decide(id, new PlacementOutcome.NotPending(id, "desktop is " + desktop.state()));
            } else {
              byPool.computeIfAbsent(desktop.poolId(), p -> new ArrayList<>()).add(desktop);
            }
          });
      byPool.forEach(this::placePool);
    }

    private void placePool(UUID poolId, List<Desktop> group) {
      // Read after the previous pool's claims, which this transaction already sees.
      touched.forEach(cluster::changed);
      Pool pool = pools.findById(poolId).orElseThrow();
      Choices choices = choose(cluster.snapshot(), pool, group);
      // A refusal is given only on state known to be current: a host registered or emptied a
      // moment ago may not have been announced yet.
      if (choices.hosts().size() < group.size() && !verified) {
        verified = true;
        if (cluster.verify() > 0) {
          choices = choose(cluster.snapshot(), pool, group);
        }
      }
      record Choice(Desktop desktop, PlacementResult.Placed host) {}
      List<Choice> chosen = new ArrayList<>();
      for (int i = 0; i < group.size(); i++) {
        Desktop desktop = group.get(i);
        if (i < choices.hosts().size()) {
          chosen.add(new Choice(desktop, choices.hosts().get(i)));
        } else {
          desktop.markUnschedulable(choices.refusal());
          decide(desktop.id(), new PlacementOutcome.Unschedulable(desktop.id(), choices.refusal()));
        }
      }
      Set<UUID> claimed =
          claims.claimAll(
              chosen.stream()
                  .map(
                      c ->
                          new ResourceClaims.Wanted(
                              c.desktop().id(), c.host().hostId(), pool.spec().size()))
                  .toList());
      List<OutboxEvent> scheduled = new ArrayList<>();
      for (Choice choice : chosen) {
        touched.add(choice.host().hostId());
        Desktop desktop = choice.desktop();
        if (!claimed.contains(desktop.id())) {
          lost.addAll(waiting.get(desktop.id()));
          continue;
        }
        desktop.scheduleOn(choice.host().hostId());
        scheduled.addAll(events.transitionsOf(desktop, "placement"));
        int attempt = waiting.get(desktop.id()).getFirst().attempt();
        decide(
            desktop.id(),
            new PlacementOutcome.Placed(
                desktop.id(), choice.host().hostId(), choice.host().score(), attempt));
      }
      events.publish(scheduled);
    }

    /** The scheduler's hosts for the first desktops of the group, and why not for the rest. */
    private record Choices(List<PlacementResult.Placed> hosts, String refusal) {}

    private Choices choose(ClusterSnapshot snapshot, Pool pool, List<Desktop> group) {
      PoolSpec spec = pool.spec();
      UUID poolId = pool.id();
      if (group.size() == 1) {
        String owner = group.getFirst().owner().orElse("");
        PlacementResult result =
            scheduler.choose(
                snapshot,
                new DesktopScheduler.Need(
                    spec.size(),
                    spec.goldenDigest(),
                    poolId.toString(),
                    owner,
                    HostCapabilities.requiredBy(pool),
                    spec.placement(),
                    spec.userDataDiskGib() > 0 && !owner.isEmpty()
                        ? userData.hostOf(poolId, owner).orElse("")
                        : ""));
        return switch (result) {
          case PlacementResult.Placed p -> new Choices(List.of(p), "");
          case PlacementResult.Unschedulable u -> new Choices(List.of(), u.explanation());
        };
      }
      BatchResult result =
          scheduler.chooseMany(
              snapshot,
              new DesktopScheduler.Need(
                  spec.size(),
                  spec.goldenDigest(),
                  poolId.toString(),
                  "",
                  HostCapabilities.requiredBy(pool),
                  spec.placement(),
                  ""),
              group.size());
      return new Choices(
          result.placed(),
          result.refusal().map(PlacementResult.Unschedulable::explanation).orElse(""));
    }

    private void decide(UUID desktopId, PlacementOutcome outcome) {
      waiting.get(desktopId).forEach(w -> outcomes.put(w, outcome));
    }
  }

  @Override
  public void start() {
    running = true;
    worker = Thread.ofPlatform().name("placement").daemon().start(this::work);
  }

  @Override
  public void stop() {
    running = false;
    Thread placing = worker;
    if (placing != null) {
      try {
        placing.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Whoever still waits hears that their desktop stays REQUESTED, for the reconciler.
    for (Waiting waiting = queue.poll(); waiting != null; waiting = queue.poll()) {
      waiting.outcome().complete(new PlacementOutcome.Queued(waiting.desktopId()));
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
