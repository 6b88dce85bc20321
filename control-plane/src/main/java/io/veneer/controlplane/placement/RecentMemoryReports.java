package io.veneer.controlplane.placement;

import io.veneer.scheduler.cluster.ObservedMemory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Hosts' guests' memory as their agents last reported it in a heartbeat ({@code host_heartbeat}),
 * for placement: only a report younger than {@code observed-memory-max-age}, and only one that says
 * both what the guests were given and what they use, counts; any other host is judged by its
 * allocations alone ({@link io.veneer.scheduler.cluster.MemoryFit}).
 */
@Component
class RecentMemoryReports {

  /**
   * Joins a host {@code h} to its recent report as {@code hb}; its one parameter is {@link
   * #cutoff()}. Read the report with {@link #of(ResultSet)}; group by {@code hb.host_id} too.
   */
  static final String JOIN =
      """
      LEFT JOIN host_heartbeat hb ON hb.host_id = h.id AND hb.at >= ?
          AND hb.memory_of_guests_mib IS NOT NULL AND hb.memory_in_use_mib IS NOT NULL
      """;

  /** The columns {@link #of(ResultSet)} reads. */
  static final String COLUMNS =
      "hb.memory_of_guests_mib AS guests_given_mib, hb.memory_in_use_mib AS guests_in_use_mib";

  private final JdbcTemplate jdbc;
  private final PlacementProperties properties;
  // Heartbeats are stamped with the system clock, not the context's Clock that tests move (pools'
  // idle times and schedules): silence is judged on the clock that stamped them.
  private final Clock clock = Clock.systemUTC();

  RecentMemoryReports(JdbcTemplate jdbc, PlacementProperties properties) {
    this.jdbc = jdbc;
    this.properties = properties;
  }

  /** Reports older than this do not count. */
  Timestamp cutoff() {
    return Timestamp.from(clock.instant().minus(properties.observedMemoryMaxAge()));
  }

  /** The recent report of a row read with {@link #JOIN} and {@link #COLUMNS}; null for none. */
  static ObservedMemory of(ResultSet row) throws SQLException {
    long given = row.getLong("guests_given_mib");
    return row.wasNull() ? null : new ObservedMemory(given, row.getLong("guests_in_use_mib"));
  }

  /** Every host's recent report, by host id. */
  Map<String, ObservedMemory> all() {
    Map<String, ObservedMemory> all = new HashMap<>();
    jdbc.query(
        "SELECT h.id, " + COLUMNS + " FROM host h " + JOIN,
        (ResultSet row) -> {
          ObservedMemory observed = of(row);
          if (observed != null) {
            all.put(row.getString("id"), observed);
          }
        },
        cutoff());
    return all;
  }
}
