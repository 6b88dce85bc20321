package io.veneer.controlplane.hosts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
   * host with no heartbeat at all is not silent: its agent has not said Hello since the host was
   * (re)registered, so nothing stopped; the host waits for it.
   */
  static final String SILENT_BEFORE = "SELECT host_id FROM host_heartbeat WHERE at < ?";

  /**
   * The last heartbeat: when, and what the host's guests used then (null: its agent did not say).
   */
  record Heard(Instant at, Long memoryInUseMib) {}

  private final JdbcTemplate jdbc;

  HostHeartbeats(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The host was (re)registered: it is not heard from until its agent says Hello. One statement.
   */
  void forget(String hostId) {
    jdbc.update("DELETE FROM host_heartbeat WHERE host_id = ?", hostId);
  }

  /**
   * The host's agent said Hello, without a word on its memory, which stays as its last heartbeat
   * said. One statement, in its own transaction unless the caller has one.
   */
  void record(String hostId, Instant at) {
    jdbc.update(
        """
        INSERT INTO host_heartbeat (host_id, at) VALUES (?, ?)
        ON CONFLICT (host_id) DO UPDATE SET at = EXCLUDED.at
        """,
        hostId,
        Timestamp.from(at));
  }

  /**
   * A heartbeat, with what its guests use now and were given (null: its agent does not say). One
   * statement.
   */
  void record(String hostId, Instant at, Long memoryInUseMib, Long memoryOfGuestsMib) {
    jdbc.update(
        """
        INSERT INTO host_heartbeat (host_id, at, memory_in_use_mib, memory_of_guests_mib)
        VALUES (?, ?, ?, ?)
        ON CONFLICT (host_id)
        DO UPDATE SET at = EXCLUDED.at, memory_in_use_mib = EXCLUDED.memory_in_use_mib,
                      memory_of_guests_mib = EXCLUDED.memory_of_guests_mib
        """,
        hostId,
        Timestamp.from(at),
        memoryInUseMib,
        memoryOfGuestsMib);
  }

  /** The hosts last heard from before {@code cutoff} ({@link #SILENT_BEFORE}). */
  Set<String> silentBefore(Instant cutoff) {
    return Set.copyOf(jdbc.queryForList(SILENT_BEFORE, String.class, Timestamp.from(cutoff)));
  }

  Optional<Heard> of(String hostId) {
    List<Heard> heard =
        jdbc.query(
            "SELECT at, memory_in_use_mib FROM host_heartbeat WHERE host_id = ?",
            (row, n) -> heard(row.getTimestamp(1), row.getObject(2, Long.class)),
            hostId);
    return heard.stream().findFirst();
  }

  /** Every host's that was ever heard from, by id. */
  Map<String, Heard> all() {
    Map<String, Heard> all = new HashMap<>();
    jdbc.query(
        "SELECT host_id, at, memory_in_use_mib FROM host_heartbeat",
        row -> {
          all.put(row.getString(1), heard(row.getTimestamp(2), row.getObject(3, Long.class)));
        });
    return all;
  }

  private static Heard heard(Timestamp at, Long memoryInUseMib) {
    return new Heard(at.toInstant(), memoryInUseMib);
  }
}
