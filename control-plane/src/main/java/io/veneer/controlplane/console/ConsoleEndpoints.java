package io.veneer.controlplane.console;

import io.veneer.agent.v1.ConsoleEndpoint;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Where each desktop's display listens, as its agent last reported it. */
@Component
public class ConsoleEndpoints {

  private final JdbcTemplate jdbc;

  ConsoleEndpoints(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the endpoint an agent reported with a desktop's status. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void reported(UUID desktopId, ConsoleEndpoint endpoint) {
    jdbc.update(
        "UPDATE desktop SET console_host = ?, console_port = ?, console_password = ?,"
            + " console_socket = ? WHERE id = ?",
        blankToNull(endpoint.getHost()),
        endpoint.getPort() == 0 ? null : endpoint.getPort(),
        blankToNull(endpoint.getPassword()),
        blankToNull(endpoint.getUnixSocket()),
        desktopId);
  }

  private static String blankToNull(String value) {
    return value.isBlank() ? null : value;
  }
}
