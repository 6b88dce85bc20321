package io.veneer.controlplane.hosts;

import static io.veneer.controlplane.hosts.HostStatus.DOWN;
import static io.veneer.controlplane.hosts.HostStatus.DRAINING;
import static io.veneer.controlplane.hosts.HostStatus.FENCED;
import static io.veneer.controlplane.hosts.HostStatus.MAINTENANCE;
import static io.veneer.controlplane.hosts.HostStatus.UNREACHABLE;
import static io.veneer.controlplane.hosts.HostStatus.UP;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The host state machine: every way a host's state changes, in one table. Each row is a cause, the
 * state it leads to, the states it leads there from, and what happens to a host in any other state:
 * it stays as it is ({@link Otherwise#KEEP}) or the cause is refused ({@link Otherwise#REFUSE}).
 * Every state change of a host, in Java or SQL, goes through a row of this table.
 */
public enum HostLifecycle {
  /**
   * An admin registered the host again: it comes (back) UP, also from FENCED or DOWN, since its
   * registration is how an admin says it is back; an operator's maintenance or drain outlasts it.
   */
  REGISTERED(UP, EnumSet.of(UP, UNREACHABLE, FENCED, DOWN), Otherwise.KEEP),
  /** An operator's orders; a host given up as UNREACHABLE comes back only by one of them. */
  ORDERED_UP(UP, operable(), Otherwise.REFUSE),
  ORDERED_MAINTENANCE(MAINTENANCE, operable(), Otherwise.REFUSE),
  ORDERED_DRAINING(DRAINING, operable(), Otherwise.REFUSE),
  /** Heartbeats stopped past the grace period; a host put aside otherwise keeps that state. */
  HEARTBEATS_STOPPED(UNREACHABLE, EnumSet.of(UP), Otherwise.KEEP),
  /** An admin confirmed it powered off or isolated: from any state. */
  FENCED_BY_ADMIN(FENCED, EnumSet.allOf(HostStatus.class), Otherwise.REFUSE),
  /**
   * The deployment's fence command succeeded on a host given up as UNREACHABLE. A host that moved
   * on while the command ran (an admin ordered it back, or fenced it) keeps its state.
   */
  FENCED_BY_FENCER(FENCED, EnumSet.of(UNREACHABLE), Otherwise.KEEP);

  /** What a cause does to a host in a state it does not lead from. */
  public enum Otherwise {
    KEEP,
    REFUSE
  }

  /** What an admin does to bring back a host that no order can move. */
  static final String REMEDY =
      "register the host again, issue its agent a new token and start its node agent";

  private final HostStatus to;
  private final Set<HostStatus> from;
  private final Otherwise otherwise;

  HostLifecycle(HostStatus to, Set<HostStatus> from, Otherwise otherwise) {
    this.to = to;
    this.from = Set.copyOf(from);
    this.otherwise = otherwise;
  }

  private static Set<HostStatus> operable() {
    return EnumSet.of(UP, MAINTENANCE, DRAINING, UNREACHABLE);
  }

  /** The state this cause leads to. */
  public HostStatus to() {
    return to;
  }

  /** The states this cause leads from (SQL statements name them, so they match this table). */
  public Set<HostStatus> from() {
    return from;
  }

  /**
   * The operator's order to move a host to {@code next}.
   *
   * @throws IllegalArgumentException when {@code next} is no state an operator may order
   */
  public static HostLifecycle orderTo(HostStatus next) {
    return switch (next) {
      case UP -> ORDERED_UP;
      case MAINTENANCE -> ORDERED_MAINTENANCE;
      case DRAINING -> ORDERED_DRAINING;
      case UNREACHABLE, FENCED, DOWN ->
          throw new IllegalArgumentException(
              "A host can be ordered to MAINTENANCE, DRAINING or UP; " + next + " is not an order");
    };
  }

  /**
   * Where this cause takes a host that is {@code current}: the new state, or empty when the host
   * keeps its state.
   *
   * @throws HostStateConflictException when the cause is refused in {@code current}
   */
  public Optional<HostStatus> applyTo(String hostId, HostStatus current) {
    if (from.contains(current)) {
      return Optional.of(to);
    }
    if (otherwise == Otherwise.KEEP) {
      return Optional.empty();
    }
    throw new HostStateConflictException(hostId, current, to, REMEDY);
  }
}
