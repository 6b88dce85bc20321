package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.hosts.HostLifecycle;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fences hosts given up as UNREACHABLE by the deployment's {@link Fencer}, when one is configured
 * ({@code veneer.fencing.mode=command}); otherwise an admin does ({@link HostFencing#fence}). Each
 * attempt is claimed in the host's row first, so of all the replicas one runs it, and a failed one
 * is tried again after {@code veneer.fencing.retry}. Attempts run beside the reconciler's passes: a
 * fence that takes a minute holds up no pool.
 */
@Component
class AutomaticFencing implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(AutomaticFencing.class);

  private static final HostLifecycle CAUSE = HostLifecycle.FENCED_BY_FENCER;

  private final FencingProperties properties;
  private final Fencer fencer;
  private final JdbcTemplate jdbc;
  private final HostFencing fencing;
  private final AuditLog audit;
  private final TransactionTemplate transactions;
  // Heartbeats are stamped with the system clock, not the context's Clock that tests move (pools'
  // idle times and schedules): silence is judged on the clock that stamped them.
  private final Clock clock = Clock.systemUTC();
  private final ExecutorService attempts =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("fence-", 0).factory());

  AutomaticFencing(
      FencingProperties properties,
      JdbcTemplate jdbc,
      HostFencing fencing,
      AuditLog audit,
      PlatformTransactionManager transactionManager) {
    this.properties = properties;
    this.fencer =
        properties.automatic()
            ? new CommandFencer(properties.command(), properties.timeout())
            : null;
    this.jdbc = jdbc;
    this.fencing = fencing;
    this.audit = audit;
    this.transactions = new TransactionTemplate(transactionManager);
  }

  /** Starts an attempt on each UNREACHABLE host whose turn it is; returns at once. */
  void fenceUnreachable() {
    if (fencer == null) {
      return;
    }
    Instant now = clock.instant();
    // Nobody else tries before this attempt has had its time and its pause after a failure.
    List<String> claimed =
        jdbc.queryForList(
            """
            UPDATE host SET fence_not_before = ?
            WHERE state = ANY (?) AND (fence_not_before IS NULL OR fence_not_before <= ?)
            RETURNING id
            """,
            String.class,
            Timestamp.from(now.plus(properties.timeout()).plus(properties.retry())),
            CAUSE.from().stream().map(Enum::name).toArray(String[]::new),
            Timestamp.from(now));
    claimed.forEach(host -> attempts.execute(() -> attempt(host)));
  }

  private void attempt(String hostId) {
    try {
      log.warn("event=host.fence-started host={}", hostId);
      settle(hostId, fencer.fence(hostId));
    } catch (RuntimeException e) {
      // The claim lapses, so the next attempt comes after this one's time and pause.
      log.error("event=host.fence-failed host={} error=\"{}\"", hostId, e.toString(), e);
    }
  }

  private void settle(String hostId, Fencer.Outcome outcome) {
    switch (outcome) {
      case Fencer.Outcome.Fenced fenced -> fencing.fencedByFencer(hostId, fenced.detail());
      case Fencer.Outcome.Failed failed -> {
        Instant next = clock.instant().plus(properties.retry());
        log.error(
            "event=host.fence-failed host={} nextAttempt={} reason=\"{}\"",
            hostId,
            next,
            failed.reason());
        transactions.executeWithoutResult(
            status -> {
              jdbc.update(
                  "UPDATE host SET fence_not_before = ? WHERE id = ?",
                  Timestamp.from(next),
                  hostId);
              audit.record(
                  HostFencing.FENCER,
                  "host.fence-failed",
                  "host",
                  hostId,
                  failed.reason() + "; tried again from " + next);
            });
      }
    }
  }

  @Override
  public void destroy() {
    attempts.shutdownNow();
  }
}
