package io.veneer.controlplane.hosts;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface HostRepository extends JpaRepository<Host, String> {

  /** The host, locked until the transaction ends: operators' orders are applied in turn. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("SELECT h FROM Host h WHERE h.id = ?1")
  Optional<Host> lockById(String id);

  /**
   * Records a heartbeat in one statement that touches only its columns: a heartbeat read and
   * written back as a whole host would undo an operator's order committed in between.
   */
  @Modifying
  @Query("UPDATE Host h SET h.lastHeartbeatAt = ?2, h.memoryInUseMib = ?3 WHERE h.id = ?1")
  int recordHeartbeat(String id, Instant at, Long memoryInUseMib);
}
