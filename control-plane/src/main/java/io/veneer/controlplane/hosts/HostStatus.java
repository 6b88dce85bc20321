package io.veneer.controlplane.hosts;

import io.veneer.scheduler.cluster.HostState;

/** A host's state as the control plane tracks it. */
public enum HostStatus {
  UP,
  /** Heartbeats stopped past the grace period; its desktops stay put until it is confirmed gone. */
  UNREACHABLE,
  MAINTENANCE,
  DRAINING,
  /** Confirmed powered off or isolated: its desktops may be rebuilt elsewhere. */
  FENCED,
  DOWN;

  /** How the scheduler sees it: only UP hosts take new desktops. */
  public HostState forScheduler() {
    return switch (this) {
      case UP -> HostState.UP;
      case MAINTENANCE -> HostState.MAINTENANCE;
      case DRAINING -> HostState.DRAINING;
      case FENCED -> HostState.FENCED;
      case UNREACHABLE, DOWN -> HostState.DOWN;
    };
  }
}
