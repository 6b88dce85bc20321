package io.veneer.controlplane.hosts;

import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.placement.PlacementProperties;
import io.veneer.scheduler.cluster.OvercommitRatios;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers hosts and tracks their state. */
@Service
public class HostService {

  private static final Logger log = LoggerFactory.getLogger(HostService.class);

  private final HostRepository hosts;
  private final PlacementProperties placement;
  private final Clock clock;

  HostService(HostRepository hosts, PlacementProperties placement) {
    this.hosts = hosts;
    this.placement = placement;
    this.clock = Clock.systemUTC();
  }

  /** Creates the host or updates its capacity, labels and zone; it comes (back) UP. */
  @Transactional
  public Host register(HostRegistration registration) {
    Host host =
        hosts
            .findById(registration.hostId())
            .map(
                existing -> {
                  existing.update(
                      registration.capacity(), registration.labels(), registration.zone());
                  existing.changeState(HostStatus.UP);
                  existing.heartbeat(clock.instant());
                  return existing;
                })
            .orElseGet(
                () ->
                    hosts.save(
                        new Host(
                            registration.hostId(),
                            registration.capacity(),
                            OvercommitRatios.of(
                                placement.vcpuRatio(),
                                placement.memoryRatio(),
                                placement.diskRatio()),
                            registration.labels(),
                            registration.zone(),
                            clock.instant())));
    log.info("event=host.registered host={} capacity={}", host.id(), registration.capacity());
    return host;
  }

  @Transactional(readOnly = true)
  public Host get(String hostId) {
    return hosts.findById(hostId).orElseThrow(() -> new NotFoundException("Host", hostId));
  }

  @Transactional(readOnly = true)
  public List<Host> all() {
    return hosts.findAll();
  }
}
