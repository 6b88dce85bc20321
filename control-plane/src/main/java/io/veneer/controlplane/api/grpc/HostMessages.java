package io.veneer.controlplane.api.grpc;

import io.veneer.api.v1.Host;
import io.veneer.api.v1.HostState;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.hosts.HostView;

/**
 * Hosts as {@code veneer.api.v1} messages. Whether an agent is connected and its version are not in
 * {@link HostView}, so they are left unset.
 */
final class HostMessages {

  private HostMessages() {}

  static Host host(HostView view) {
    Host.Builder host =
        Host.newBuilder()
            .setId(view.id())
            .setState(state(view.state()))
            .setCapacity(CommonMessages.resources(view.capacity()))
            .setAllocated(CommonMessages.resources(view.allocated()))
            .setDesktops(view.desktops())
            .putAllLabels(view.labels())
            .setZone(view.zone());
    if (view.lastHeartbeatAt() != null) {
      host.setLastHeartbeat(CommonMessages.timestamp(view.lastHeartbeatAt()));
    }
    return host.build();
  }

  static HostState state(HostStatus status) {
    return switch (status) {
      case UP -> HostState.HOST_STATE_UP;
      case MAINTENANCE -> HostState.HOST_STATE_MAINTENANCE;
      case DRAINING -> HostState.HOST_STATE_DRAINING;
      case UNREACHABLE -> HostState.HOST_STATE_UNREACHABLE;
      case FENCED -> HostState.HOST_STATE_FENCED;
      case DOWN -> HostState.HOST_STATE_DOWN;
    };
  }
}
