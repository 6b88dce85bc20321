package io.veneer.controlplane.hosts;

import org.springframework.data.jpa.repository.JpaRepository;

public interface HostRepository extends JpaRepository<Host, String> {}
