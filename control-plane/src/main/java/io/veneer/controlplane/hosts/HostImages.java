package io.veneer.controlplane.hosts;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** The golden image digests each host's agent says its cache holds. */
@Component
public class HostImages {

  private final JdbcTemplate jdbc;

  HostImages(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** The agent's full list at Hello: whatever was recorded before is replaced. */
  @Transactional
  public void replace(String hostId, Collection<String> digests) {
    jdbc.update("DELETE FROM host_image WHERE host_id = ?", hostId);
    add(hostId, digests);
  }

  /** A change the agent reported while connected. */
  @Transactional
  public void change(String hostId, Collection<String> added, Collection<String> removed) {
    for (String digest : removed) {
      jdbc.update("DELETE FROM host_image WHERE host_id = ? AND digest = ?", hostId, digest);
    }
    add(hostId, added);
  }

  /** Every host's cached digests, for a placement snapshot. */
  @Transactional(readOnly = true)
  public Map<String, Set<String>> all() {
    Map<String, Set<String>> cached = new HashMap<>();
    jdbc.query(
        "SELECT host_id, digest FROM host_image",
        row -> {
          cached
              .computeIfAbsent(row.getString("host_id"), h -> new HashSet<>())
              .add(row.getString("digest"));
        });
    return cached;
  }

  private void add(String hostId, Collection<String> digests) {
    List<Object[]> rows =
        digests.stream().distinct().map(digest -> new Object[] {hostId, digest}).toList();
    jdbc.batchUpdate(
        "INSERT INTO host_image (host_id, digest) VALUES (?, ?) ON CONFLICT DO NOTHING", rows);
  }
}
