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
import io.veneer.controlplane.hosts.HostView;
import io.veneer.controlplane.placement.ResourceClaims;
import io.veneer.controlplane.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An operator confirms a host is gone (powered off, isolated): only then are its desktops rebuilt
 * elsewhere, so a desktop never runs twice. Desktops being deleted are simply gone; the others are
 * placed again from a fresh overlay, keeping their owner.
 */
@Service
public class HostFencing {

  private static final Logger log = LoggerFactory.getLogger(HostFencing.class);

  private final HostService hosts;
  private final DesktopRepository desktops;
  private final DesktopService desktopService;
  private final ResourceClaims claims;
  private final DesktopEvents events;
  private final AuditLog audit;

  HostFencing(
      HostService hosts,
      DesktopRepository desktops,
      DesktopService desktopService,
      ResourceClaims claims,
      DesktopEvents events,
      AuditLog audit) {
    this.audit = audit;
    this.hosts = hosts;
    this.desktops = desktops;
    this.desktopService = desktopService;
    this.claims = claims;
    this.events = events;
  }

  @Transactional
  public HostView fence(Caller caller, String hostId) {
    caller.requireAdmin("Fencing a host");
    Host host = hosts.get(hostId);
    hosts.changeState(host, HostLifecycle.FENCED_BY_ADMIN, "fenced by " + caller.subject());
    int moved = 0;
    for (Desktop desktop : desktops.findPlacedOn(hostId)) {
      if (desktop.state() == DesktopState.DELETING) {
        desktopService.removed(desktop);
      } else {
        claims.release(desktop.id());
        desktop.reschedule("host " + hostId + " was fenced; the desktop is placed again");
        moved++;
      }
      events.publishTransitions(desktop, caller.subject());
    }
    audit.record(caller, "host.fence", "host", hostId, moved + " desktops placed again");
    log.warn("event=host.fenced host={} by={} rescheduled={}", hostId, caller.subject(), moved);
    return hosts.view(host);
  }
}
