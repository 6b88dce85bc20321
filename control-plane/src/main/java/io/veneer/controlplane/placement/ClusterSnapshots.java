package io.veneer.controlplane.placement;

import io.veneer.controlplane.hosts.HostImages;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads hosts, their claims, cached images and desktops from PostgreSQL into a scheduler snapshot.
 */
@Component
class ClusterSnapshots {

  private final JdbcTemplate jdbc;
  private final HostImages hostImages;

  ClusterSnapshots(JdbcTemplate jdbc, HostImages hostImages) {
    this.jdbc = jdbc;
    this.hostImages = hostImages;
  }

  ClusterSnapshot take() {
    Map<String, Set<String>> cached = hostImages.all();
    Map<String, List<PlacedDesktop>> desktops = new HashMap<>();
    jdbc.query(
        "SELECT id, pool_id, owner, host_id FROM desktop WHERE host_id IS NOT NULL",
        row -> {
          desktops
              .computeIfAbsent(row.getString("host_id"), h -> new ArrayList<>())
              .add(
                  new PlacedDesktop(
                      row.getString("id"), row.getString("pool_id"), row.getString("owner")));
        });
    List<HostSnapshot> hosts =
        jdbc.query(
            """
            SELECT h.id, h.state, h.labels, h.zone, h.vcpus, h.memory_mib, h.disk_gib,
                   h.vcpu_ratio_permille, h.memory_ratio_permille, h.disk_ratio_permille,
                   COALESCE(SUM(c.vcpus), 0) AS used_vcpus,
                   COALESCE(SUM(c.memory_mib), 0) AS used_memory,
                   COALESCE(SUM(c.disk_gib), 0) AS used_disk
            FROM host h LEFT JOIN resource_claim c ON c.host_id = h.id
            GROUP BY h.id ORDER BY h.id
            """,
            (row, n) ->
                HostSnapshot.builder(row.getString("id"))
                    .state(HostStatus.valueOf(row.getString("state")).forScheduler())
                    .labels(labels(row.getString("labels")))
                    .zone(row.getString("zone"))
                    .capacity(
                        row.getLong("vcpus"), row.getLong("memory_mib"), row.getLong("disk_gib"))
                    .allocated(
                        new Resources(
                            row.getLong("used_vcpus"),
                            row.getLong("used_memory"),
                            row.getLong("used_disk")))
                    .ratios(
                        new OvercommitRatios(
                            row.getInt("vcpu_ratio_permille"),
                            row.getInt("memory_ratio_permille"),
                            row.getInt("disk_ratio_permille")))
                    .cachedImages(cached.getOrDefault(row.getString("id"), Set.of()))
                    .desktops(desktops.getOrDefault(row.getString("id"), List.of()))
                    .build());
    return new ClusterSnapshot(hosts);
  }

  private static Map<String, String> labels(String joined) {
    if (joined == null || joined.isEmpty()) {
      return Map.of();
    }
    return Arrays.stream(joined.split(","))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
  }
}
