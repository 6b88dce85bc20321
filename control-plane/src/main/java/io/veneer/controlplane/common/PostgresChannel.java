package io.veneer.controlplane.common;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Listens on one PostgreSQL notification channel on a connection of its own, from start to stop,
 * and hands each batch of payloads to {@link #received}. Notifications sent while the connection
 * was down are lost, so {@link #listening} is called whenever listening (re)starts: that is where a
 * subclass re-reads what it might have missed; {@link #periodically} runs every {@code period}
 * while listening, for what a lost notification would otherwise leave wrong for ever.
 */
public abstract class PostgresChannel implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(PostgresChannel.class);
  private static final long POLL_MILLIS = 500;

  private final DataSource dataSource;
  private final String channel;
  private final long periodNanos;
  private volatile Thread thread;
  private volatile boolean running;

  protected PostgresChannel(DataSource dataSource, String channel, Duration period) {
    this.dataSource = dataSource;
    this.channel = channel;
    this.periodNanos = period.toNanos();
  }

  /** Listening (again): anything announced before now may have been missed. */
  protected abstract void listening();

  /** The distinct payloads of the notifications that arrived together, in arrival order. */
  protected abstract void received(Set<String> payloads);

  /** Called every period while listening, between batches. */
  protected abstract void periodically();

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().name("listen-" + channel).daemon().start(this::listen);
  }

  private void listen() {
    long backoffMillis = 100;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        log.info("event=channel.listening channel={}", channel);
        backoffMillis = 100;
        listening();
        long next = System.nanoTime() + periodNanos;
        while (running) {
          PGNotification[] notifications = pg.getNotifications((int) POLL_MILLIS);
          if (notifications != null && notifications.length > 0) {
            Set<String> payloads = new LinkedHashSet<>();
            for (PGNotification notification : notifications) {
              payloads.add(notification.getParameter());
            }
            received(payloads);
          }
          if (System.nanoTime() - next > 0) {
            periodically();
            next = System.nanoTime() + periodNanos;
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn(
            "event=channel.lost channel={} error=\"{}\" retryInMs={}",
            channel,
            e.getMessage(),
            backoffMillis);
        sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void stop() {
    running = false;
    Thread listening = thread;
    if (listening != null) {
      try {
        listening.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
