package io.veneer.controlplane.desktops;

import io.veneer.grpc.TraceParent;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Turns what a desktop's agent saw into the desktop's status, through {@link DesktopLifecycle}: the
 * one place where observations move desktops. Agents' protocol stays in {@code agents}. What people
 * asked for that waits on an observation (a restart's power-on, a pooled desktop's fresh overlay
 * after use) is the pool controller's to write, in the spec.
 */
@Component
public class Observations {

  private static final Logger log = LoggerFactory.getLogger(Observations.class);

  private final DesktopService desktopService;

  Observations(DesktopService desktopService) {
    this.desktopService = desktopService;
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
    if (target != desktop.phase()) {
      Optional<List<DesktopState>> steps = DesktopLifecycle.stepsTowards(desktop.phase(), target);
      if (steps.isPresent()) {
        steps.get().forEach(desktop::moveTo);
        log.info(
            "event=desktop.observed desktop={} host={} state={} trace={}",
            desktop.id(),
            hostId,
            target,
            desktop.traceParent().map(TraceParent::traceId).orElse("-"));
      } else {
        log.info(
            "event=agent.report-ignored desktop={} host={} state={} observed={}",
            desktop.id(),
            hostId,
            desktop.phase(),
            target);
      }
    }
    // After the moves, so that a disk is taken as run on only when seen RUNNING.
    desktop.sawOsDisk(seen.osDiskGeneration());
  }

  /**
   * The desktop's host came back without it (its host rebooted, its disk was wiped): one being
   * removed is gone; one that had been built is to be provisioned again where it is, on the fresh
   * OS disk the pool controller then asks for (a change of the spec, which reports never make).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void missingFrom(String hostId, Desktop desktop) {
    switch (desktop.state()) {
      case DELETING -> desktopService.removed(desktop);
      case STARTING, RUNNING, STOPPING, STOPPED, REFRESHING -> {
        desktop.wentMissing("host " + hostId + " came back without it; it is being built again");
        log.info(
            "event=desktop.missing desktop={} host={} reason=missing-from-inventory",
            desktop.id(),
            hostId);
      }
      default -> {}
    }
  }
}
