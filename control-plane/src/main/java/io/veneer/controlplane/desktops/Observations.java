package io.veneer.controlplane.desktops;

import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns what a desktop's agent saw into the desktop's status, through {@link DesktopLifecycle}: the
 * one place where observations move desktops. Agents' protocol stays in {@code agents}.
 */
@Component
public class Observations {

  private static final Logger log = LoggerFactory.getLogger(Observations.class);

  private final DesktopService desktopService;
  private final PoolRepository pools;

  Observations(DesktopService desktopService, PoolRepository pools) {
    this.desktopService = desktopService;
    this.pools = pools;
  }

  /**
   * What an agent saw of a desktop on its host.
   *
   * @param phase where the desktop is; empty when the host no longer holds it
   * @param osDiskGeneration the OS disk the observation is about
   * @param failureReason for a FAILED phase, what went wrong; may be blank
   */
  public record Observation(
      Optional<DesktopState> phase, long osDiskGeneration, String failureReason) {}

  /** Applies {@code seen} on {@code hostId} to the desktop's status, inside the caller's work. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void apply(String hostId, Desktop desktop, Observation seen) {
    if (seen.phase().isEmpty()) {
      if (desktop.state() == DesktopState.DELETING) {
        desktopService.removed(desktop);
        log.info("event=desktop.removed desktop={} host={}", desktop.id(), hostId);
      }
      return;
    }
    DesktopState target = seen.phase().get();
    if (target == DesktopState.FAILED) {
      if (desktop.phase() != DesktopState.FAILED) {
        desktop.fail(
            seen.failureReason().isBlank() ? "agent reported a failure" : seen.failureReason());
      }
      return;
    }
    if (seen.osDiskGeneration() < desktop.osDiskGeneration()) {
      // About an overlay the spec has replaced since (a refresh, a rebuild): nothing to learn. A
      // report about an older spec on the same disk is still what the hypervisor shows (a guest
      // running until the agent applies a stop), so it counts.
      return;
    }
    boolean newDisk = seen.osDiskGeneration() != desktop.seenOsDiskGeneration();
    desktop.sawOsDisk(seen.osDiskGeneration());
    if (target == desktop.phase()) {
      return;
    }
    Optional<List<DesktopState>> steps = DesktopLifecycle.stepsTowards(desktop.phase(), target);
    if (steps.isEmpty()) {
      log.info(
          "event=agent.report-ignored desktop={} host={} state={} observed={}",
          desktop.id(),
          hostId,
          desktop.phase(),
          target);
      return;
    }
    steps.get().forEach(desktop::moveTo);
    log.info("event=desktop.observed desktop={} host={} state={}", desktop.id(), hostId, target);
    // Stopping after use discards the overlay; a stop on a disk just built or refreshed was no use,
    // the stop of a restart is no logoff, and a desktop on its way out keeps the disk it has.
    if (target == DesktopState.STOPPED
        && !desktop.resumeRestart()
        && !newDisk
        && !desktop.leaving()) {
      refreshIfNonPersistent(desktop);
    }
  }

  /**
   * The desktop's host came back without it (its host rebooted, its disk was wiped): one being
   * removed is gone; one that had been built is built again where it is, since the agent receives
   * it in its desired set.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void missingFrom(String hostId, Desktop desktop) {
    switch (desktop.state()) {
      case DELETING -> desktopService.removed(desktop);
      case STARTING, RUNNING, STOPPING, STOPPED, REFRESHING -> {
        desktop.rebuild("host " + hostId + " came back without it; it is being built again");
        log.info(
            "event=desktop.rebuild desktop={} host={} reason=missing-from-inventory",
            desktop.id(),
            hostId);
      }
      default -> {}
    }
  }

  /**
   * A pooled desktop is non-persistent: once stopped (the user logged off) its overlay is discarded
   * and recreated from the pool's current golden version; the agent sees a new os_disk_generation.
   * Dedicated desktops keep their disk.
   */
  private void refreshIfNonPersistent(Desktop desktop) {
    Pool pool = pools.findById(desktop.poolId()).orElseThrow();
    if (pool.kind() == PoolKind.POOLED) {
      desktop.replaceOsDisk(pool.spec().goldenVersion());
      log.info(
          "event=desktop.refresh desktop={} pool={} golden={} osDiskGeneration={}",
          desktop.id(),
          pool.id(),
          desktop.goldenVersion(),
          desktop.osDiskGeneration());
    }
  }
}
