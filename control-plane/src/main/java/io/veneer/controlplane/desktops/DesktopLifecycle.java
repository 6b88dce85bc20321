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
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    // DELETED from anywhere: the desktop is gone from its host (its agent reported it absent after
    // its deletion was asked for) or never had one.
    allow(REQUESTED, SCHEDULED, FAILED, DELETING, DELETED);
    allow(SCHEDULED, PROVISIONING, REQUESTED, FAILED, DELETING, DELETED);
    allow(PROVISIONING, STARTING, STOPPED, REQUESTED, FAILED, DELETING, DELETED);
    // Back to PROVISIONING: its host came back without it (the agent's inventory lacks it), so the
    // agent builds it again where it is.
    // DELETING from anywhere alive: the agent stops the guest, then removes it with its disks.
    allow(STARTING, RUNNING, STOPPING, PROVISIONING, REQUESTED, DELETING, FAILED, DELETED);
    allow(RUNNING, STOPPING, REFRESHING, PROVISIONING, REQUESTED, DELETING, FAILED, DELETED);
    // Back to STARTING or RUNNING: a start asked for after a stop, before the guest went down.
    allow(
        STOPPING,
        STOPPED,
        STARTING,
        RUNNING,
        REFRESHING,
        PROVISIONING,
        REQUESTED,
        DELETING,
        FAILED,
        DELETED);
    allow(STOPPED, STARTING, REFRESHING, PROVISIONING, REQUESTED, DELETING, FAILED, DELETED);
    // Refreshing recreates the overlay from the spec's golden version, then boots it again.
    allow(REFRESHING, STOPPED, STARTING, PROVISIONING, REQUESTED, DELETING, FAILED, DELETED);
    allow(DELETING, DELETED, FAILED);
    allow(DELETED);
    // A failed desktop can be retried from scratch, started again, or removed.
    allow(FAILED, REQUESTED, STARTING, STOPPED, DELETING, DELETED);
  }

  /**
   * The paths a desktop takes as its agent observes it, for reports that skip steps (a guest shut
   * down from inside goes from RUNNING to STOPPED without a STOPPING report; one started again goes
   * from STOPPED to RUNNING without a STARTING report). Every step of each is an allowed
   * transition, which {@code DesktopLifecycleTest} checks.
   */
  static final List<List<DesktopState>> OBSERVED_PATHS =
      List.of(
          List.of(SCHEDULED, PROVISIONING, STARTING, RUNNING, STOPPING, STOPPED),
          List.of(STARTING, STOPPING, STOPPED),
          List.of(STOPPED, STARTING, RUNNING),
          List.of(REFRESHING, STARTING, RUNNING));

  private DesktopLifecycle() {}

  private static void allow(DesktopState from, DesktopState... to) {
    Set<DesktopState> targets = EnumSet.noneOf(DesktopState.class);
    targets.addAll(List.of(to));
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
   * The moves that take a desktop from {@code from} to the observed {@code to}: the move itself
   * when the table allows it, else the fewest steps along an observed path (so that no state is
   * claimed that the desktop did not pass through: STARTING to STOPPED is not via RUNNING); empty
   * when neither leads there.
   */
  public static Optional<List<DesktopState>> stepsTowards(DesktopState from, DesktopState to) {
    if (allows(from, to)) {
      return Optional.of(List.of(to));
    }
    List<DesktopState> shortest = null;
    for (List<DesktopState> path : OBSERVED_PATHS) {
      int start = path.indexOf(from);
      int end = path.indexOf(to);
      if (start >= 0 && end > start && (shortest == null || end - start < shortest.size())) {
        shortest = path.subList(start + 1, end + 1);
      }
    }
    return Optional.ofNullable(shortest);
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
