package io.veneer.controlplane.agents;

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
import org.springframework.stereotype.Component;

/**
 * Listens on PostgreSQL channel {@code veneer_host_desired}, which a trigger on the desktop table
 * notifies with the host id at every commit that touched a desktop on that host, from any replica.
 * The connected agent of that host, if it is connected to this replica, gets the difference. A
 * periodic resync of every connected agent covers notifications lost while the listening connection
 * was down.
 */
@Component
class DesiredChangesListener implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(DesiredChangesListener.class);
  private static final String CHANNEL = "veneer_host_desired";

  private final DataSource dataSource;
  private final AgentSessions sessions;
  private final Duration resyncInterval;
  private volatile Thread thread;
  private volatile boolean running;

  DesiredChangesListener(
      DataSource dataSource, AgentSessions sessions, AgentProperties properties) {
    this.dataSource = dataSource;
    this.sessions = sessions;
    this.resyncInterval = Duration.ofSeconds(properties.resyncIntervalSeconds());
  }

  @Override
  public void start() {
    running = true;
    thread = Thread.ofPlatform().name("desired-changes").daemon().start(this::listen);
  }

  private void listen() {
    long backoffMillis = 100;
    while (running) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        log.info("event=desired-changes.listening channel={}", CHANNEL);
        backoffMillis = 100;
        sessions.refreshAll();
        long nextResync = System.nanoTime() + resyncInterval.toNanos();
        while (running) {
          PGNotification[] notifications = pg.getNotifications(500);
          if (notifications != null && notifications.length > 0) {
            Set<String> hosts = new LinkedHashSet<>();
            for (PGNotification notification : notifications) {
              hosts.add(notification.getParameter());
            }
            hosts.forEach(sessions::refresh);
          }
          if (System.nanoTime() - nextResync > 0) {
            sessions.refreshAll();
            nextResync = System.nanoTime() + resyncInterval.toNanos();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        log.warn(
            "event=desired-changes.lost error=\"{}\" retryInMs={}", e.getMessage(), backoffMillis);
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
