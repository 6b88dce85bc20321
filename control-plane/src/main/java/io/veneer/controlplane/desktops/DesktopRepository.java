package io.veneer.controlplane.desktops;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface DesktopRepository extends JpaRepository<Desktop, UUID> {

  List<Desktop> findByPoolId(UUID poolId);

  List<Desktop> findByHostId(String hostId);

  List<Desktop> findByIdGreaterThanOrderByIdAsc(UUID after, Limit limit);

  List<Desktop> findByOwnerAndIdGreaterThanOrderByIdAsc(String owner, UUID after, Limit limit);

  /** The user's desktop in the pool, if any is still alive. */
  @Query(
      "SELECT d FROM Desktop d WHERE d.poolId = ?1 AND d.owner = ?2"
          + " AND d.state NOT IN (io.veneer.controlplane.desktops.DesktopState.DELETING,"
          + " io.veneer.controlplane.desktops.DesktopState.DELETED)")
  List<Desktop> findLiveByPoolAndOwner(UUID poolId, String owner);

  /**
   * A free desktop of the pool, locked for the caller; running ones first, so a user gets a warm
   * spare when there is one. Rows another transaction is handing out are skipped, not waited for.
   */
  @Query(
      value =
          """
          SELECT id FROM desktop
          WHERE pool_id = ?1 AND owner IS NULL
            AND state NOT IN ('DELETING', 'DELETED', 'FAILED', 'REFRESHING')
          ORDER BY (state = 'RUNNING') DESC, created_at
          LIMIT 1 FOR UPDATE SKIP LOCKED
          """,
      nativeQuery = true)
  Optional<UUID> lockOneFree(UUID poolId);

  /** How many desktops of the pool exist and are not on their way out. */
  @Query(
      "SELECT count(d) FROM Desktop d WHERE d.poolId = ?1"
          + " AND d.state NOT IN (io.veneer.controlplane.desktops.DesktopState.DELETING,"
          + " io.veneer.controlplane.desktops.DesktopState.DELETED)")
  long countLive(UUID poolId);
}
