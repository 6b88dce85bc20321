package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.Resources;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Sums the resource claims per host: {@link HostUsage}. */
@Component
class HostUsages {

  private static final String SUMS =
      """
      SELECT host_id, SUM(vcpus) AS vcpus, SUM(memory_mib) AS memory_mib,
             SUM(disk_gib) AS disk_gib, COUNT(*) AS desktops
      FROM resource_claim %s GROUP BY host_id
      """;

  private final JdbcTemplate jdbc;

  HostUsages(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  HostUsage of(String hostId) {
    List<HostUsage> rows =
        jdbc.query(SUMS.formatted("WHERE host_id = ?"), (row, n) -> usage(row), hostId);
    return rows.isEmpty() ? HostUsage.NONE : rows.getFirst();
  }

  /** Every host's that holds a claim; the others have {@link HostUsage#NONE}. */
  Map<String, HostUsage> all() {
    Map<String, HostUsage> usages = new HashMap<>();
    jdbc.query(
        SUMS.formatted(""),
        row -> {
          usages.put(row.getString("host_id"), usage(row));
        });
    return usages;
  }

  private static HostUsage usage(ResultSet row) throws SQLException {
    return new HostUsage(
        new Resources(row.getLong("vcpus"), row.getLong("memory_mib"), row.getLong("disk_gib")),
        row.getInt("desktops"));
  }
}
