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

  DesiredChangesListener(
      DataSource dataSource, AgentSessions sessions, AgentProperties properties) {
    super(
        dataSource, "veneer_host_desired", Duration.ofSeconds(properties.resyncIntervalSeconds()));
    this.sessions = sessions;
  }

  @Override
  protected void listening() {
    sessions.refreshAll();
  }

  @Override
  protected void received(Set<String> hosts) {
    sessions.refresh(hosts);
  }

  @Override
  protected void periodically() {
    sessions.refreshAll();
  }
}
