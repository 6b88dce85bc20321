package io.veneer.controlplane.desktops;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface DesktopRepository extends JpaRepository<Desktop, UUID> {

  /** The pool's desktops that are not gone. */
  @Query(
      value = "SELECT * FROM desktop WHERE pool_id = ?1 AND desktop_present(state)",
      nativeQuery = true)
  List<Desktop> findInPool(UUID poolId);

  List<Desktop> findByIdGreaterThanOrderByIdAsc(UUID after, Limit limit);

  List<Desktop> findByOwnerAndIdGreaterThanOrderByIdAsc(String owner, UUID after, Limit limit);

  /** The user's live desktop in the pool, if any (at most one: a unique index says so). */
  @Query(
      value =
          "SELECT * FROM desktop WHERE pool_id = ?1 AND owner = ?2"
              + " AND desktop_live(delete_requested_at, state)",
      nativeQuery = true)
  Optional<Desktop> findLiveByPoolAndOwner(UUID poolId, String owner);

  /**
   * A free desktop of the pool, locked for the caller: one on {@code preferredHost} first (where a
   * user's user-data disk lives; '' for none), then running ones, so a user gets a warm spare when
   * there is one. Rows another transaction is handing out are skipped, not waited for.
   */
  @Query(
      value =
          """
          SELECT id FROM desktop
          WHERE pool_id = ?1
            AND desktop_free(owner, delete_requested_at, state, os_disk_generation,
                             seen_os_disk_generation)
          ORDER BY (host_id IS NOT DISTINCT FROM ?2) DESC, (state = 'RUNNING') DESC, created_at
          LIMIT 1 FOR UPDATE SKIP LOCKED
          """,
      nativeQuery = true)
  Optional<UUID> lockOneFree(UUID poolId, String preferredHost);

  /** The desktops placement counts on the host: every one not yet gone. */
  @Query(
      value = "SELECT * FROM desktop WHERE host_id = ?1 AND desktop_present(state)",
      nativeQuery = true)
  List<Desktop> findPlacedOn(String hostId);

  /** {@link #findPlacedOn} of several hosts at once. */
  @Query(
      value = "SELECT * FROM desktop WHERE host_id IN (?1) AND desktop_present(state)",
      nativeQuery = true)
  List<Desktop> findPlacedOnAny(Collection<String> hostIds);
}
