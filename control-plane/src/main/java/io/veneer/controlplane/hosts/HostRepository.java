package io.veneer.controlplane.hosts;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface HostRepository extends JpaRepository<Host, String> {

  /** The host, locked until the transaction ends: operators' orders are applied in turn. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("SELECT h FROM Host h WHERE h.id = ?1")
  Optional<Host> lockById(String id);
}
