package io.veneer.controlplane.pools;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface PoolRepository extends JpaRepository<Pool, UUID> {

  /** The pool, locked until the transaction ends: requests for one pool are handed out in turn. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("SELECT p FROM Pool p WHERE p.id = ?1")
  Optional<Pool> lockById(UUID id);

  /** Pools that are not gone. */
  @Query("SELECT p FROM Pool p WHERE p.state <> io.veneer.controlplane.pools.PoolState.DELETED")
  List<Pool> findLive();
}
