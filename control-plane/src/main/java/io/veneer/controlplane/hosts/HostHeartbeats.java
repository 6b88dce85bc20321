package io.veneer.controlplane.hosts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * When each host's agent was last heard from, kept in {@code host_heartbeat} (V22) rather than on
 * the host row, which placement holds locked while its batch claims: a heartbeat never waits for a
 * placement. Heartbeats do not move a host's generation, so placement never reads them.
 */
@Component
class HostHeartbeats {

  /**
   * The one definition of a silent host: the ids of hosts last heard from before the parameter. A
   * host with no heartbeat at all (none since V22 carried them over) is not silent: it was never
   * heard from, so nothing stopped.
   */
  static final String SILENT_BEFORE = "SELECT host_id FROM host_heartbeat WHERE at < ?";

  private final JdbcTemplate jdbc;

  HostHeartbeats(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** One statement, in its own transaction unless the caller has one. */
  void record(String hostId, Instant at) {
    jdbc.update(
        """
        INSERT INTO host_heartbeat (host_id, at) VALUES (?, ?)
        ON CONFLICT (host_id) DO UPDATE SET at = EXCLUDED.at
        """,
        hostId,
        Timestamp.from(at));
  }

  Optional<Instant> of(String hostId) {
    List<Instant> at =
        jdbc.query(
            "SELECT at FROM host_heartbeat WHERE host_id = ?",
            (row, n) -> row.getTimestamp(1).toInstant(),
            hostId);
    return at.stream().findFirst();
  }

  /** Every host's that was ever heard from, by id. */
  Map<String, Instant> all() {
    Map<String, Instant> all = new HashMap<>();
    jdbc.query(
        "SELECT host_id, at FROM host_heartbeat",
        row -> {
          all.put(row.getString(1), row.getTimestamp(2).toInstant());
        });
    return all;
  }
}
