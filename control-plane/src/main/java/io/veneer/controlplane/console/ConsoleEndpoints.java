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
 * Whether each desktop's display can be reached, and where: always through its host agent's console
 * listener, at the host's own address (the one its agent's authenticated stream came from) and the
 * listener port of its Hello. Of a desktop's reported endpoint only whether it shows a display is
 * kept, never a host, port, socket or password, so an agent cannot send the console proxy, and
 * people's keyboards, to another machine or a socket of the proxy's own.
 */
@Component
public class ConsoleEndpoints {

  private static final Logger log = LoggerFactory.getLogger(ConsoleEndpoints.class);

  private final JdbcTemplate jdbc;

  ConsoleEndpoints(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records where {@code hostId}'s authenticated agent stream came from (null when unknown) and its
   * console listener's port (0: none).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void hostAt(String hostId, String address, int consolePort) {
    jdbc.update(
        "UPDATE host SET agent_address = ?, console_port = ? WHERE id = ?",
        address,
        consolePort > 0 && consolePort < 65_536 ? consolePort : null,
        hostId);
  }

  /**
   * Records whether a desktop shows a display its agent's listener can relay to: one on a unix
   * socket, or on TCP without a password (the proxy speaks RFB security None to it).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void reported(UUID desktopId, ConsoleEndpoint endpoint) {
    boolean display =
        !endpoint.getUnixSocket().isBlank()
            || (endpoint.getPort() > 0 && endpoint.getPassword().isEmpty());
    if (!display && endpoint.getPort() > 0) {
      log.warn(
          "event=console.endpoint-ignored desktop={} reason=\"a display behind a VNC password"
              + " cannot be opened through the agent's console listener\"",
          desktopId);
    }
    jdbc.update("UPDATE desktop SET console_display = ? WHERE id = ?", display, desktopId);
  }
}
