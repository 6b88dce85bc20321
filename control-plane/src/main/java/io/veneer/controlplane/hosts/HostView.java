package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.Resources;
import java.time.Instant;
import java.util.Map;

/**
 * A host as the APIs show it.
 *
 * @param capacity what it offers, before overcommit
 * @param allocatable what placement may promise on it: capacity x the overcommit ratios
 * @param allocated what its desktops' claims hold now
 * @param desktops how many desktops hold a claim on it
 * @param lastHeartbeatAt when its agent was last heard from; null if never
 * @param memoryInUseMib memory its guests actually use, in MiB, by their own balloon statistics at
 *     its last heartbeat; null when its agent does not say
 */
public record HostView(
    String id,
    HostStatus state,
    Resources capacity,
    Resources allocatable,
    Resources allocated,
    int desktops,
    Map<String, String> labels,
    String zone,
    Instant lastHeartbeatAt,
    Long memoryInUseMib,
    long generation) {

  static HostView of(Host host, HostUsage usage, HostHeartbeats.Heard heard) {
    return new HostView(
        host.id(),
        host.state(),
        host.capacity(),
        host.ratios().limitOf(host.capacity()),
        usage.allocated(),
        usage.desktops(),
        host.labels(),
        host.zone(),
        heard == null ? null : heard.at(),
        heard == null ? null : heard.memoryInUseMib(),
        host.generation());
  }
}
