package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.Resources;
import java.util.Map;
import java.util.Objects;

/** What a host says about itself when it registers (by an admin or by its agent's Hello). */
public record HostRegistration(
    String hostId, Resources capacity, Map<String, String> labels, String zone) {

  public HostRegistration {
    Objects.requireNonNull(hostId, "hostId");
    Objects.requireNonNull(capacity, "capacity");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    zone = zone == null ? "" : zone;
  }
}
