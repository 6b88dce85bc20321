package io.veneer.controlplane.placement;

import io.veneer.scheduler.cluster.Resources;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Claims a host's resources for a desktop, the way OpenStack Placement does: read the host's
 * generation and usage in one statement, check the fit against capacity x ratio, insert the claim
 * and bump the generation only if it is still the one read. A concurrent claim on the same host
 * changes the generation, so exactly one of two racing claims commits; the other reports {@link
 * ClaimOutcome#LOST_RACE} and its transaction is rolled back by the caller.
 */
@Component
public class ResourceClaims {

  /** What one claim attempt did. */
  public enum ClaimOutcome {
    CLAIMED,
    /** Another claim changed the host since it was read, or it no longer fits: try again. */
    LOST_RACE
  }

  private record Usage(
      long generation,
      long limitVcpus,
      long limitMemory,
      long limitDisk,
      long usedVcpus,
      long usedMemory,
      long usedDisk) {}

  private final JdbcTemplate jdbc;

  ResourceClaims(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Must run inside the transaction that also schedules the desktop. */
  @Transactional(propagation = Propagation.MANDATORY)
  public ClaimOutcome claim(UUID desktopId, String hostId, Resources size) {
    // One statement: the generation and the usage come from the same snapshot of the database.
    List<Usage> rows =
        jdbc.query(
            """
            SELECT h.generation,
                   h.vcpus * h.vcpu_ratio_permille / 1000 AS limit_vcpus,
                   h.memory_mib * h.memory_ratio_permille / 1000 AS limit_memory,
                   h.disk_gib * h.disk_ratio_permille / 1000 AS limit_disk,
                   (SELECT COALESCE(SUM(vcpus), 0) FROM resource_claim WHERE host_id = h.id),
                   (SELECT COALESCE(SUM(memory_mib), 0) FROM resource_claim WHERE host_id = h.id),
                   (SELECT COALESCE(SUM(disk_gib), 0) FROM resource_claim WHERE host_id = h.id)
            FROM host h WHERE h.id = ? AND h.state = 'UP'
            """,
            (row, n) ->
                new Usage(
                    row.getLong(1),
                    row.getLong(2),
                    row.getLong(3),
                    row.getLong(4),
                    row.getLong(5),
                    row.getLong(6),
                    row.getLong(7)),
            hostId);
    if (rows.isEmpty()) {
      return ClaimOutcome.LOST_RACE;
    }
    Usage usage = rows.getFirst();
    boolean fits =
        usage.usedVcpus() + size.vcpus() <= usage.limitVcpus()
            && usage.usedMemory() + size.memoryMib() <= usage.limitMemory()
            && usage.usedDisk() + size.diskGib() <= usage.limitDisk();
    if (!fits) {
      return ClaimOutcome.LOST_RACE;
    }
    int bumped =
        jdbc.update(
            "UPDATE host SET generation = generation + 1 WHERE id = ? AND generation = ?",
            hostId,
            usage.generation());
    if (bumped == 0) {
      return ClaimOutcome.LOST_RACE;
    }
    jdbc.update(
        """
        INSERT INTO resource_claim (desktop_id, host_id, vcpus, memory_mib, disk_gib)
        VALUES (?, ?, ?, ?, ?)
        """,
        desktopId,
        hostId,
        size.vcpus(),
        size.memoryMib(),
        size.diskGib());
    return ClaimOutcome.CLAIMED;
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
