package io.veneer.controlplane.desktops;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.common.NotFoundException;
import io.veneer.controlplane.desktops.GoldenUpdateRefusedException.Reason;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.security.Caller;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A dedicated desktop's golden update, applied when its owner (or an admin) asks: a roll never
 * touches a desktop someone owns in a dedicated pool, so their writes stay until they choose. The
 * update rebuilds the OS disk on the pool's current golden version; the user-data disk is another
 * file, which the agent keeps. Only a stopped desktop is rebuilt: replacing the disk of a running
 * guest would end its session and lose what is open in it, so the person stops it first and knows
 * what they give up (control-plane/README.md, "Dedicated desktops and golden rolls").
 */
@Service
public class GoldenUpdates {

  private static final Logger log = LoggerFactory.getLogger(GoldenUpdates.class);

  private final DesktopRepository desktops;
  private final PoolRepository pools;
  private final DesktopEvents events;
  private final AuditLog audit;

  GoldenUpdates(
      DesktopRepository desktops, PoolRepository pools, DesktopEvents events, AuditLog audit) {
    this.desktops = desktops;
    this.pools = pools;
    this.events = events;
    this.audit = audit;
  }

  /**
   * Rebuilds the desktop on its pool's current golden version; a no-op when it is on it already (or
   * being rebuilt on it), whatever its power. Its view says {@code rebuilding} until its agent
   * reports the new disk.
   *
   * @throws GoldenUpdateRefusedException when it is pooled, on, or being deleted
   */
  @Transactional
  public DesktopView apply(Caller caller, UUID id) {
    Desktop desktop =
        desktops
            .findById(id)
            .filter(d -> caller.mayActOnBehalfOf(d.owner().orElse(null)))
            .orElseThrow(() -> new NotFoundException("Desktop", id));
    Pool pool = pools.findById(desktop.poolId()).orElseThrow();
    String from = desktop.goldenVersion();
    String to = pool.spec().goldenVersion();
    refuseIfItHasNone(desktop, pool);
    if (from.equals(to)) {
      return DesktopView.of(desktop);
    }
    refuseIfInUse(desktop);
    desktop.replaceOsDisk(to);
    String reason = "golden version " + from + " -> " + to + ", asked by " + caller.subject();
    events.goldenUpdate(desktop, reason, caller.subject(), Instant.now());
    audit.record(caller, "desktop.golden-update", "desktop", id, from + " -> " + to);
    desktops.flush();
    log.info(
        "event=desktop.golden-update desktop={} pool={} from={} to={} osDiskGeneration={} by={}",
        id,
        pool.id(),
        from,
        to,
        desktop.osDiskGeneration(),
        caller.subject());
    return DesktopView.of(desktop);
  }

  private static void refuseIfItHasNone(Desktop desktop, Pool pool) {
    if (pool.kind() != PoolKind.DEDICATED) {
      throw new GoldenUpdateRefusedException(
          desktop.id(),
          Reason.POOLED,
          "Desktop "
              + desktop.id()
              + " is pooled: it takes pool "
              + pool.name()
              + "'s golden version at its next logoff, with nothing to ask for");
    }
    if (desktop.leaving()) {
      throw new GoldenUpdateRefusedException(
          desktop.id(), Reason.LEAVING, "Desktop " + desktop.id() + " is being deleted");
    }
  }

  private static void refuseIfInUse(Desktop desktop) {
    if (desktop.desiredPower() != PowerState.OFF || desktop.state() != DesktopState.STOPPED) {
      throw new GoldenUpdateRefusedException(
          desktop.id(),
          Reason.IN_USE,
          "Desktop "
              + desktop.id()
              + " is "
              + desktop.state()
              + ": stop it first. Its OS disk is rebuilt only while it is stopped, so that"
              + " nothing open in it is lost; its user-data disk is kept either way");
    }
  }
}
