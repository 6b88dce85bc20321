package io.veneer.controlplane.pools;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Counts pools' desktops against their golden versions: {@link PoolRollout}. */
@Component
class PoolRollouts {

  /** Counts per pool; {@code %1$s} is the pool's golden version, {@code %2$s} a filter. */
  private static final String COUNTS =
      """
      SELECT d.pool_id,
             COUNT(*) AS desktops,
             COUNT(*) FILTER (WHERE d.golden_version = %1$s AND NOT d.refreshing) AS current,
             COUNT(*) FILTER (WHERE d.refreshing) AS refreshing,
             COUNT(*) FILTER (WHERE d.golden_version <> %1$s
                              AND d.owner IS NOT NULL AND NOT d.refreshing)
                              AS waiting_for_logoff,
             COUNT(*) FILTER (WHERE d.golden_version <> %1$s
                              AND d.owner IS NULL AND NOT d.refreshing) AS queued
      FROM (SELECT *, desktop_refreshing(os_disk_generation, seen_os_disk_generation)
                      AS refreshing
            FROM desktop WHERE desktop_live(delete_requested_at, state)) d
      JOIN pool p ON p.id = d.pool_id
      WHERE true %2$s
      GROUP BY d.pool_id
      """;

  private final JdbcTemplate jdbc;

  PoolRollouts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The version is passed rather than read from the pool's row, which a change in the same
   * transaction may not have written yet.
   */
  PoolRollout of(UUID pool, String goldenVersion) {
    List<PoolRollout> rows =
        jdbc.query(
            COUNTS.formatted("?", "AND d.pool_id = ?"),
            (row, n) -> rollout(row),
            goldenVersion,
            goldenVersion,
            goldenVersion,
            pool);
    return rows.isEmpty() ? PoolRollout.EMPTY : rows.getFirst();
  }

  /** Every pool's with at least one desktop; the others have {@link PoolRollout#EMPTY}. */
  Map<UUID, PoolRollout> all() {
    Map<UUID, PoolRollout> rollouts = new HashMap<>();
    jdbc.query(
        COUNTS.formatted("p.golden_version", ""),
        row -> {
          rollouts.put(row.getObject("pool_id", UUID.class), rollout(row));
        });
    return rollouts;
  }

  private static PoolRollout rollout(ResultSet row) throws SQLException {
    return new PoolRollout(
        row.getInt("desktops"),
        row.getInt("current"),
        row.getInt("refreshing"),
        row.getInt("waiting_for_logoff"),
        row.getInt("queued"));
  }
}
