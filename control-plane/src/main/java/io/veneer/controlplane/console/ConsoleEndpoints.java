package io.veneer.controlplane.console;

import io.veneer.agent.v1.ConsoleEndpoint;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where each desktop's display listens. The address is the host's own: the one its agent's
 * authenticated stream came from, recorded at each admitted Hello. From an agent's report only the
 * display's port and password are taken; the host and unix socket it names are not, so an agent
 * cannot send the console proxy, and people's keyboards, to another machine or a socket of the
 * proxy's own.
 */
@Component
public class ConsoleEndpoints {

  private static final Logger log = LoggerFactory.getLogger(ConsoleEndpoints.class);

  private final JdbcTemplate jdbc;

  ConsoleEndpoints(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records where {@code hostId}'s authenticated agent stream came from (null when unknown). */
  @Transactional(propagation = Propagation.MANDATORY)
  public void hostAt(String hostId, String address) {
    jdbc.update("UPDATE host SET agent_address = ? WHERE id = ?", address, hostId);
  }

  /** Records the display's port and password an agent reported with a desktop's status. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void reported(UUID desktopId, ConsoleEndpoint endpoint) {
    if (endpoint.getPort() == 0 && !endpoint.getUnixSocket().isBlank()) {
      log.warn(
          "event=console.endpoint-ignored desktop={} reason=\"a unix socket cannot be reached"
              + " from the console proxy\"",
          desktopId);
    }
    jdbc.update(
        "UPDATE desktop SET console_port = ?, console_password = ? WHERE id = ?",
        endpoint.getPort() == 0 ? null : endpoint.getPort(),
        endpoint.getPassword().isBlank() ? null : endpoint.getPassword(),
        desktopId);
  }
}
