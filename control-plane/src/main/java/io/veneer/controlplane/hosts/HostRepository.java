package io.veneer.controlplane.hosts;

import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface HostRepository extends JpaRepository<Host, String> {

  /** The host, locked until the transaction ends: operators' orders are applied in turn. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("SELECT h FROM Host h WHERE h.id = ?1")
  Optional<Host> lockById(String id);

  /** The agent token hashes of the hosts that have one, without loading the hosts. */
  @Query(
      "SELECT new io.veneer.controlplane.hosts.HostRepository$AgentToken(h.id, h.agentTokenSha256)"
          + " FROM Host h WHERE h.id IN ?1 AND h.agentTokenSha256 IS NOT NULL")
  List<AgentToken> agentTokensOf(Collection<String> ids);

  /** A host's id and the SHA-256 of its agent token. */
  record AgentToken(String id, String sha256) {}
}
