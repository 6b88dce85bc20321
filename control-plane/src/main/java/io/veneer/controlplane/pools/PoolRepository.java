package io.veneer.controlplane.pools;

import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface PoolRepository extends JpaRepository<Pool, UUID> {}
