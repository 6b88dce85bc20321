package io.veneer.controlplane.placement;

import io.veneer.scheduler.cluster.MemoryFit;
import io.veneer.scheduler.cluster.ObservedMemory;
import io.veneer.scheduler.cluster.Resources;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Claims hosts' resources for desktops, the way OpenStack Placement does, for a whole batch at
 * once: lock the hosts in id order (so that two replicas' batches never deadlock), read each one's
 * usage once the lock is held, keep the claims that fit capacity x ratio (memory past the physical
 * capacity only where the guests really leave it unused, {@link MemoryFit}), insert them, and bump
 * the generation of every host that changed. The check runs on usage read under the host's lock, so
 * two replicas claiming on one host at once never together pass its limit; a claim that no longer
 * fits (another replica filled the host since the caller's view of it) is left out of the answer,
 * and its caller tries it again on fresh state. Four statements per batch, whatever its size.
 */
@Component
public class ResourceClaims {

  /** A desktop's resources, wanted on a host. */
  public record Wanted(UUID desktopId, String hostId, Resources size) {}

  /** A host's limits and claims, and what its guests leave unused by a recent report. */
  private record Usage(
      long limitVcpus,
      long capacityMemory,
      long limitMemory,
      long limitDisk,
      long unusedMemory,
      long usedVcpus,
      long usedMemory,
      long usedDisk) {

    Usage plus(Resources size) {
      return new Usage(
          limitVcpus,
          capacityMemory,
          limitMemory,
          limitDisk,
          unusedMemory,
          usedVcpus + size.vcpus(),
          usedMemory + size.memoryMib(),
          usedDisk + size.diskGib());
    }

    boolean fits() {
      return usedVcpus <= limitVcpus
          && MemoryFit.fits(usedMemory, capacityMemory, limitMemory, unusedMemory)
          && usedDisk <= limitDisk;
    }
  }

  private final JdbcTemplate jdbc;
  private final RecentMemoryReports memoryReports;

  ResourceClaims(JdbcTemplate jdbc, RecentMemoryReports memoryReports) {
    this.jdbc = jdbc;
    this.memoryReports = memoryReports;
  }

  /**
   * Returns the desktops that got their claim; must run inside the transaction that also schedules
   * them.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public Set<UUID> claimAll(List<Wanted> wanted) {
    if (wanted.isEmpty()) {
      return Set.of();
    }
    String[] hosts = wanted.stream().map(Wanted::hostId).distinct().sorted().toArray(String[]::new);
    // Locked first, read second: a statement that waited for a lock still reads with the
    // snapshot it started with, so the usage must come from a statement begun after the locks.
    // NO KEY UPDATE, the lock the generation's UPDATE takes anyway: it excludes other placers but
    // lets rows that refer to the host (a first heartbeat, a desktop's host_id) pass their key
    // check while the batch runs.
    jdbc.queryForList(
        "SELECT id FROM host WHERE id = ANY(?) AND state = 'UP' ORDER BY id FOR NO KEY UPDATE",
        String.class,
        (Object) hosts);
    Map<String, Usage> usage = new HashMap<>();
    jdbc.query(
        """
        SELECT h.id,
               h.vcpus * h.vcpu_ratio_permille / 1000 AS limit_vcpus,
               h.memory_mib,
               h.memory_mib * h.memory_ratio_permille / 1000 AS limit_memory,
               h.disk_gib * h.disk_ratio_permille / 1000 AS limit_disk,
               COALESCE(SUM(c.vcpus), 0) AS used_vcpus,
               COALESCE(SUM(c.memory_mib), 0) AS used_memory,
               COALESCE(SUM(c.disk_gib), 0) AS used_disk,
               %s
        FROM host h LEFT JOIN resource_claim c ON c.host_id = h.id
        %s
        WHERE h.id = ANY(?) AND h.state = 'UP'
        GROUP BY h.id, hb.host_id
        """
            .formatted(RecentMemoryReports.COLUMNS, RecentMemoryReports.JOIN),
        (ResultSet row) -> {
          ObservedMemory observed = RecentMemoryReports.of(row);
          usage.put(
              row.getString("id"),
              new Usage(
                  row.getLong("limit_vcpus"),
                  row.getLong("memory_mib"),
                  row.getLong("limit_memory"),
                  row.getLong("limit_disk"),
                  observed == null ? MemoryFit.UNOBSERVED : observed.unusedMib(),
                  row.getLong("used_vcpus"),
                  row.getLong("used_memory"),
                  row.getLong("used_disk")));
        },
        memoryReports.cutoff(),
        hosts);
    List<Wanted> fitting = new ArrayList<>();
    for (Wanted claim : wanted) {
      Usage before = usage.get(claim.hostId());
      Usage after = before == null ? null : before.plus(claim.size());
      if (after != null && after.fits()) {
        usage.put(claim.hostId(), after);
        fitting.add(claim);
      }
    }
    if (fitting.isEmpty()) {
      return Set.of();
    }
    jdbc.update(
        "UPDATE host SET generation = generation + 1 WHERE id = ANY(?)",
        (Object) fitting.stream().map(Wanted::hostId).distinct().toArray(String[]::new));
    // A desktop another replica is placing at the same moment (its request here, the pool
    // controller there) already has its claim, or will when that transaction commits: it is not
    // claimed twice, nor does it fail the whole batch. Rows go in desktop order, so two batches
    // waiting for each other's claims cannot deadlock.
    fitting.sort(Comparator.comparing(Wanted::desktopId));
    Set<UUID> claimed = new HashSet<>();
    jdbc.query(
        """
        INSERT INTO resource_claim (desktop_id, host_id, vcpus, memory_mib, disk_gib)
        SELECT * FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
        ON CONFLICT (desktop_id) DO NOTHING
        RETURNING desktop_id
        """,
        (ResultSet row) -> {
          claimed.add(row.getObject(1, UUID.class));
        },
        fitting.stream().map(w -> w.desktopId().toString()).toArray(String[]::new),
        fitting.stream().map(Wanted::hostId).toArray(String[]::new),
        fitting.stream().map(w -> w.size().vcpus()).toArray(Long[]::new),
        fitting.stream().map(w -> w.size().memoryMib()).toArray(Long[]::new),
        fitting.stream().map(w -> w.size().diskGib()).toArray(Long[]::new));
    return claimed;
  }

  /** Gives a desktop's resources back to its host; bumps the generation too. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void release(UUID desktopId) {
    List<String> hosts =
        jdbc.queryForList(
            "DELETE FROM resource_claim WHERE desktop_id = ? RETURNING host_id",
            String.class,
            desktopId);
    for (String host : hosts) {
      jdbc.update("UPDATE host SET generation = generation + 1 WHERE id = ?", host);
    }
  }
}
