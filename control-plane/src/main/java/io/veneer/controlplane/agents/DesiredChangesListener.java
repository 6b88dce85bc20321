package io.veneer.controlplane.agents;

import io.veneer.controlplane.common.PostgresChannel;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Listens on PostgreSQL channel {@code veneer_host_desired}, which a trigger on the desktop table
 * notifies with the host id at every commit that touched a desktop on that host, from any replica.
 * The connected agent of that host, if it is connected to this replica, gets the difference. A
 * periodic resync of every connected agent covers notifications lost while the listening connection
 * was down.
 */
@Component
class DesiredChangesListener extends PostgresChannel {

  private final AgentSessions sessions;
  private final Duration resyncInterval;
  private long nextResync;

  DesiredChangesListener(
      DataSource dataSource, AgentSessions sessions, AgentProperties properties) {
    super(dataSource, "veneer_host_desired");
    this.sessions = sessions;
    this.resyncInterval = Duration.ofSeconds(properties.resyncIntervalSeconds());
  }

  @Override
  protected void listening() {
    resync();
  }

  @Override
  protected void received(Set<String> hosts) {
    hosts.forEach(sessions::refresh);
  }

  @Override
  protected void tick() {
    if (System.nanoTime() - nextResync > 0) {
      resync();
    }
  }

  private void resync() {
    sessions.refreshAll();
    nextResync = System.nanoTime() + resyncInterval.toNanos();
  }
}
