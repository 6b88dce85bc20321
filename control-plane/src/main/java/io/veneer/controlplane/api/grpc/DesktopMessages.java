package io.veneer.controlplane.api.grpc;

import io.veneer.api.v1.Desktop;
import io.veneer.api.v1.DesktopChange;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.events.v1.DesktopEvent;
import java.util.Arrays;

/**
 * Desktops as {@code veneer.api.v1} messages. Size, persistence and the last change's time are not
 * in {@link DesktopView}, so they are left unset; a change from an event also lacks the desired
 * power state and the creation time, which the event does not carry.
 */
final class DesktopMessages {

  private DesktopMessages() {}

  static Desktop desktop(DesktopView view) {
    Desktop.Builder desktop =
        Desktop.newBuilder()
            .setId(view.id().toString())
            .setPoolId(view.poolId().toString())
            .setState(state(view.state()))
            .setDesiredPowerState(view.desiredPower() == PowerState.ON ? "RUNNING" : "STOPPED")
            .setSpecGeneration(view.specGeneration())
            .setGoldenImageVersionId(view.goldenVersion())
            .setRebuilding(view.rebuilding())
            .setCreatedAt(CommonMessages.timestamp(view.createdAt()))
            .setUpdatedAt(CommonMessages.timestamp(view.updatedAt()));
    if (view.owner() != null) {
      desktop.setAssignedUser(view.owner());
    }
    if (view.hostId() != null) {
      desktop.setHostId(view.hostId());
    }
    if (view.failureReason() != null) {
      desktop.setFailureReason(view.failureReason());
    }
    return desktop.build();
  }

  /** A desktop as the watch starts: its current state. */
  static DesktopChange initial(DesktopView view) {
    return DesktopChange.newBuilder()
        .setDesktop(desktop(view))
        .setInitial(true)
        .setDeleted(view.state() == DesktopState.DELETED)
        .build();
  }

  /** A desktop after the change an event describes. */
  static DesktopChange change(DesktopEvent event) {
    DesktopState to = stateNamed(event.getToState());
    Desktop desktop =
        Desktop.newBuilder()
            .setId(event.getHeader().getAggregateId())
            .setPoolId(event.getPoolId())
            .setAssignedUser(event.getAssignedUser())
            .setState(
                to == null ? io.veneer.api.v1.DesktopState.DESKTOP_STATE_UNSPECIFIED : state(to))
            .setHostId(event.getHostId())
            .setFailureReason(event.getReason())
            .setSpecGeneration(event.getSpecGeneration())
            .setGoldenImageVersionId(event.getGoldenImageVersionId())
            .setUpdatedAt(event.getHeader().getOccurredAt())
            .build();
    return DesktopChange.newBuilder()
        .setDesktop(desktop)
        .setDeleted(to == DesktopState.DELETED)
        .build();
  }

  private static DesktopState stateNamed(String name) {
    return Arrays.stream(DesktopState.values())
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  static io.veneer.api.v1.DesktopState state(DesktopState state) {
    return switch (state) {
      case REQUESTED -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_REQUESTED;
      case SCHEDULED -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_SCHEDULED;
      case PROVISIONING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_PROVISIONING;
      case STARTING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_STARTING;
      case RUNNING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_RUNNING;
      case STOPPING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_STOPPING;
      case STOPPED -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_STOPPED;
      case REFRESHING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_REFRESHING;
      case DELETING -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_DELETING;
      case DELETED -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_DELETED;
      case FAILED -> io.veneer.api.v1.DesktopState.DESKTOP_STATE_FAILED;
    };
  }
}
