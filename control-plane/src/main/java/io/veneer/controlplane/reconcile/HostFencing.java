package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.hosts.Host;
import io.veneer.controlplane.hosts.HostLifecycle;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.hosts.HostView;
import io.veneer.controlplane.placement.ResourceClaims;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An operator confirms a host is gone (powered off, isolated): only then are its desktops rebuilt
 * elsewhere, so a desktop never runs twice. Desktops being deleted are simply gone; pooled ones are
 * placed again from a fresh overlay, keeping their owner. A dedicated desktop is never rebuilt on a
 * fresh disk: its user's data is on the fenced host, so it stays placed there, keeps its claim, and
 * waits for its host to be registered again (its disks are local to the host: none moves).
 */
@Service
public class HostFencing {

  private static final Logger log = LoggerFactory.getLogger(HostFencing.class);

  private final HostService hosts;
  private final DesktopRepository desktops;
  private final DesktopService desktopService;
  private final ResourceClaims claims;
  private final PoolRepository pools;
  private final DesktopEvents events;
  private final AuditLog audit;

  HostFencing(
      HostService hosts,
      DesktopRepository desktops,
      DesktopService desktopService,
      ResourceClaims claims,
      PoolRepository pools,
      DesktopEvents events,
      AuditLog audit) {
    this.pools = pools;
    this.audit = audit;
    this.hosts = hosts;
    this.desktops = desktops;
    this.desktopService = desktopService;
    this.claims = claims;
    this.events = events;
  }

  /** Who fences in the audit log when the deployment's {@link Fencer} does. */
  static final Caller FENCER = Caller.admin("veneer-fencer");

  @Transactional
  public HostView fence(Caller caller, String hostId) {
    caller.requireAdmin("Fencing a host");
    return fence(caller, hostId, HostLifecycle.FENCED_BY_ADMIN, "fenced by " + caller.subject());
  }

  /**
   * The deployment's {@link Fencer} fenced the host: as when an admin does, if it is still
   * UNREACHABLE; a host that moved on meanwhile keeps its state and its desktops.
   */
  @Transactional
  public HostView fencedByFencer(String hostId, String detail) {
    return fence(FENCER, hostId, HostLifecycle.FENCED_BY_FENCER, detail);
  }

  private HostView fence(Caller caller, String hostId, HostLifecycle cause, String reason) {
    Host host = hosts.get(hostId);
    hosts.changeState(host, cause, reason);
    if (host.state() != HostStatus.FENCED) {
      // Powered off by the fence perhaps, yet ordered back meanwhile: an operator must look.
      log.warn(
          "event=host.fence-outdated host={} state={} fence=\"{}\"", hostId, host.state(), reason);
      return hosts.view(host);
    }
    int moved = 0;
    int waiting = 0;
    for (Desktop desktop : desktops.findPlacedOn(hostId)) {
      if (desktop.state() == DesktopState.DELETING) {
        desktopService.removed(desktop);
      } else if (dedicated(desktop)) {
        desktop.awaitHost(
            "host "
                + hostId
                + " was fenced; the desktop keeps its disk there and waits for its host"
                + " (register the host again to bring it back)");
        waiting++;
      } else {
        claims.release(desktop.id());
        desktop.reschedule("host " + hostId + " was fenced; the desktop is placed again");
        moved++;
      }
      events.publishTransitions(desktop, caller.subject());
    }
    audit.record(
        caller,
        "host.fence",
        "host",
        hostId,
        reason
            + "; "
            + moved
            + " desktops placed again, "
            + waiting
            + " dedicated ones wait for the host");
    log.warn(
        "event=host.fenced host={} by={} rescheduled={} waitingForHost={}",
        hostId,
        caller.subject(),
        moved,
        waiting);
    return hosts.view(host);
  }

  private boolean dedicated(Desktop desktop) {
    return pools.findById(desktop.poolId()).map(Pool::kind).orElse(null) == PoolKind.DEDICATED;
  }
}
