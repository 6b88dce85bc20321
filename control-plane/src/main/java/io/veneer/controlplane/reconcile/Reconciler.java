package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.agents.AgentProperties;
import io.veneer.controlplane.hosts.Hearing;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * The control loop's background half: on every pass, hosts that went silent become UNREACHABLE (and
 * are fenced where the deployment configured a fence, {@link AutomaticFencing}), and every pool
 * converges ({@link PoolConvergence}). Runs in every replica; the work is safe to repeat and split,
 * since each pool is held by one replica at a time and host changes are single statements.
 */
@Component
class Reconciler implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final PoolRepository pools;
  private final PoolConvergence convergence;
  private final HostService hosts;
  private final Hearing hearing;
  private final AutomaticFencing fencing;
  private final ReconcilerProperties properties;
  private final Duration heartbeatGrace;
  // Heartbeats are stamped with the system clock, not the context's Clock that tests move (pools'
  // idle times and schedules): silence is judged on the clock that stamped them.
  private final Clock clock = Clock.systemUTC();
  private volatile ScheduledExecutorService executor;

  Reconciler(
      PoolRepository pools,
      PoolConvergence convergence,
      HostService hosts,
      AutomaticFencing fencing,
      ReconcilerProperties properties,
      AgentProperties agents,
      Hearing hearing) {
    this.hearing = hearing;
    this.pools = pools;
    this.convergence = convergence;
    this.hosts = hosts;
    this.fencing = fencing;
    this.properties = properties;
    this.heartbeatGrace = Duration.ofSeconds(agents.heartbeatGraceSeconds());
  }

  /** One pass over hosts and pools. */
  void pass() {
    markSilentHosts();
    fencing.fenceUnreachable();
    for (UUID pool : pools.findLive().stream().map(Pool::id).toList()) {
      try {
        convergence.converge(pool);
      } catch (RuntimeException e) {
        // One pool's trouble must not hold up the others; the next pass tries again.
        log.warn("event=pool.converge-failed pool={} error=\"{}\"", pool, e.toString(), e);
      }
    }
  }

  /**
   * Hosts silent past the grace become UNREACHABLE, not counting the time this replica could not
   * hear them ({@link Hearing}); the statement runs even when no host can be silent, so that it
   * tells whether the database answers again.
   */
  private void markSilentHosts() {
    try {
      hosts.markUnreachable(hearing.silentBefore(clock.instant(), heartbeatGrace));
    } catch (DataAccessException | TransactionException e) {
      hearing.interrupted(clock.instant());
      throw e;
    }
    hearing.heard(clock.instant());
  }

  @Override
  public void start() {
    if (!properties.enabled()) {
      log.info("event=reconciler.disabled");
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("reconciler").daemon().factory());
    executor.scheduleWithFixedDelay(
        this::safePass,
        properties.intervalMillis(),
        properties.intervalMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void safePass() {
    try {
      pass();
    } catch (RuntimeException e) {
      log.warn("event=reconciler.pass-failed error=\"{}\"", e.toString(), e);
    }
  }

  @Override
  public void stop() {
    ScheduledExecutorService running = executor;
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
  }

  @Override
  public boolean isRunning() {
    return executor != null;
  }
}
