package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.Resources;
import java.time.Instant;
import java.util.Map;

/** A host as the APIs show it. */
public record HostView(
    String id,
    HostStatus state,
    Resources capacity,
    Map<String, String> labels,
    String zone,
    Instant lastHeartbeatAt,
    long generation) {

  public static HostView of(Host host) {
    return new HostView(
        host.id(),
        host.state(),
        host.capacity(),
        host.labels(),
        host.zone(),
        host.lastHeartbeatAt().orElse(null),
        host.generation());
  }
}
