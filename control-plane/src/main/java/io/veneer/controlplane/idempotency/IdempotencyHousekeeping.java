package io.veneer.controlplane.idempotency;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Deletes the rows of expired Idempotency-Keys every {@code
 * veneer.idempotency.housekeeping-interval}, in batches, so the table holds about a TTL's worth of
 * keys. Every replica may run it: a delete of what another already deleted does nothing.
 */
@Component
public class IdempotencyHousekeeping implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(IdempotencyHousekeeping.class);
  private static final int BATCH = 5_000;

  private final JdbcTemplate jdbc;
  private final IdempotencyProperties properties;
  private volatile ScheduledExecutorService timer;

  IdempotencyHousekeeping(JdbcTemplate jdbc, IdempotencyProperties properties) {
    this.jdbc = jdbc;
    this.properties = properties;
  }

  /** Deletes every expired key's row; returns how many. */
  int deleteExpired() {
    int total = 0;
    int deleted;
    do {
      deleted =
          jdbc.update(
              """
              DELETE FROM idempotency_key WHERE ctid IN (
                SELECT ctid FROM idempotency_key
                WHERE created_at < now() - make_interval(secs => ?) LIMIT ?)
              """,
              properties.ttl().toSeconds(),
              BATCH);
      total += deleted;
    } while (deleted == BATCH);
    return total;
  }

  private void pass() {
    try {
      int deleted = deleteExpired();
      if (deleted > 0) {
        log.info("event=idempotency-keys-expired deleted={}", deleted);
      }
    } catch (RuntimeException e) {
      log.warn("event=idempotency-housekeeping-failed error=\"{}\"", e.toString());
    }
  }

  @Override
  public void start() {
    ScheduledExecutorService started =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("idempotency-housekeeping").daemon().factory());
    long interval = properties.housekeepingInterval().toMillis();
    started.scheduleWithFixedDelay(this::pass, interval, interval, TimeUnit.MILLISECONDS);
    timer = started;
  }

  @Override
  public void stop() {
    ScheduledExecutorService running = timer;
    if (running != null) {
      running.shutdownNow();
      timer = null;
    }
  }

  @Override
  public boolean isRunning() {
    return timer != null;
  }
}
