package io.veneer.controlplane.desktops;

import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface DesktopRepository extends JpaRepository<Desktop, UUID> {

  List<Desktop> findByPoolId(UUID poolId);

  List<Desktop> findByHostId(String hostId);

  List<Desktop> findByIdGreaterThanOrderByIdAsc(UUID after, Limit limit);

  List<Desktop> findByOwnerAndIdGreaterThanOrderByIdAsc(String owner, UUID after, Limit limit);
}
