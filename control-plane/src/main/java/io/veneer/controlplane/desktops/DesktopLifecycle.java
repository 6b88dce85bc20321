package io.veneer.controlplane.desktops;

import static io.veneer.controlplane.desktops.DesktopState.DELETED;
import static io.veneer.controlplane.desktops.DesktopState.DELETING;
import static io.veneer.controlplane.desktops.DesktopState.FAILED;
import static io.veneer.controlplane.desktops.DesktopState.PROVISIONING;
import static io.veneer.controlplane.desktops.DesktopState.REFRESHING;
import static io.veneer.controlplane.desktops.DesktopState.REQUESTED;
import static io.veneer.controlplane.desktops.DesktopState.RUNNING;
import static io.veneer.controlplane.desktops.DesktopState.SCHEDULED;
import static io.veneer.controlplane.desktops.DesktopState.STARTING;
import static io.veneer.controlplane.desktops.DesktopState.STOPPED;
import static io.veneer.controlplane.desktops.DesktopState.STOPPING;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The desktop state machine: every allowed transition, in one table. Every state change of a
 * desktop goes through {@link #check}; anything not listed here is refused.
 *
 * <p>Moves back to {@code REQUESTED} are reschedules: the desktop's host was confirmed gone (fenced
 * or re-registered empty), so it is placed again. A desktop never leaves a host that may still run
 * it.
 */
public final class DesktopLifecycle {

  private static final Map<DesktopState, Set<DesktopState>> ALLOWED =
      new EnumMap<>(DesktopState.class);

  static {
    allow(REQUESTED, SCHEDULED, FAILED, DELETING);
    allow(SCHEDULED, PROVISIONING, REQUESTED, FAILED, DELETING);
    allow(PROVISIONING, STARTING, STOPPED, REQUESTED, FAILED, DELETING);
    // Back to PROVISIONING: its host came back without it (the agent's inventory lacks it), so the
    // agent builds it again where it is.
    // DELETING from anywhere alive: the agent stops the guest, then removes it with its disks.
    allow(STARTING, RUNNING, STOPPING, PROVISIONING, REQUESTED, DELETING, FAILED);
    allow(RUNNING, STOPPING, REFRESHING, PROVISIONING, REQUESTED, DELETING, FAILED);
    allow(STOPPING, STOPPED, REFRESHING, PROVISIONING, REQUESTED, DELETING, FAILED);
    allow(STOPPED, STARTING, REFRESHING, PROVISIONING, REQUESTED, DELETING, FAILED);
    // Refreshing discards the overlay and recreates it from the pool's current golden version.
    allow(REFRESHING, STOPPED, STARTING, RUNNING, PROVISIONING, REQUESTED, DELETING, FAILED);
    allow(DELETING, DELETED, FAILED);
    allow(DELETED);
    // A failed desktop can be retried from scratch, started again, or removed.
    allow(FAILED, REQUESTED, STARTING, STOPPED, DELETING);
  }

  private DesktopLifecycle() {}

  private static void allow(DesktopState from, DesktopState... to) {
    Set<DesktopState> targets = EnumSet.noneOf(DesktopState.class);
    targets.addAll(java.util.List.of(to));
    ALLOWED.put(from, java.util.Collections.unmodifiableSet(targets));
  }

  /** Whether a desktop in {@code from} may move to {@code to}. */
  public static boolean allows(DesktopState from, DesktopState to) {
    return ALLOWED.get(from).contains(to);
  }

  /** The states {@code from} may move to. */
  public static Set<DesktopState> allowedFrom(DesktopState from) {
    return ALLOWED.get(from);
  }

  /**
   * @throws IllegalTransitionException when the move is not in the table
   */
  public static void check(java.util.UUID desktopId, DesktopState from, DesktopState to) {
    if (!allows(from, to)) {
      throw new IllegalTransitionException(desktopId, from, to);
    }
  }
}
