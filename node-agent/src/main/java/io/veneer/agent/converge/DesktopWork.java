package io.veneer.agent.converge;

import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.PowerState;
import io.veneer.grpc.TraceParent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The driver calls for one desktop, run on that desktop's worker and never on the agent's loop: a
 * guest that takes a minute to stop delays only itself. Each call ends in an {@link Outcome} that
 * the loop folds into the desktop's {@link LocalDesktop}.
 */
final class DesktopWork {

  private static final Logger log = Logger.getLogger(DesktopWork.class.getName());

  /**
   * What a worker found.
   *
   * @param observed what the driver sees after the work
   * @param problem why the work failed, empty when it did not
   * @param startAttemptedAt the spec generation of the last start
   */
  record Outcome(Observation observed, String problem, long startAttemptedAt) {}

  private final Hypervisor hypervisor;
  private final Path stateDir;
  private final Duration stopGrace;

  DesktopWork(Hypervisor hypervisor, Path stateDir, Duration stopGrace) {
    this.hypervisor = hypervisor;
    this.stateDir = stateDir;
    this.stopGrace = stopGrace;
  }

  /** Disks, a refresh on a newer OS disk generation, then start or stop as desired. */
  Outcome converge(LocalDesktop desktop, GuestSpec spec) {
    DesiredDesktop wanted = desktop.desired();
    String id = desktop.id();
    long startedAt = desktop.startAttemptedAt();
    try {
      hypervisor.createDisks(spec);
      long applied = appliedOsGeneration(id);
      if (applied == 0) {
        recordOsGeneration(id, wanted.getOsDiskGeneration());
      } else if (wanted.getOsDiskGeneration() > applied) {
        hypervisor.stop(id, stopGrace);
        hypervisor.resetOsDisk(spec);
        recordOsGeneration(id, wanted.getOsDiskGeneration());
        log.info(
            "event=desktop-refreshed desktop="
                + id
                + " osDiskGeneration="
                + wanted.getOsDiskGeneration()
                + " trace="
                + traceId(wanted));
      }
      GuestState state = hypervisor.observe(id).state();
      if (wanted.getPowerState() == PowerState.POWER_STATE_RUNNING) {
        boolean down = state == GuestState.STOPPED || state == GuestState.ABSENT;
        // A failed guest stays failed (and reported) until the control plane asks again with a
        // newer spec generation: restarting a crashing guest in a loop helps nobody.
        boolean askedAgain = state == GuestState.FAILED && startedAt < wanted.getSpecGeneration();
        if (down || askedAgain) {
          startedAt = wanted.getSpecGeneration();
          log.info(
              "event=desktop-starting desktop="
                  + id
                  + " specGeneration="
                  + wanted.getSpecGeneration()
                  + " trace="
                  + traceId(wanted));
          hypervisor.start(spec);
        }
      } else if (state == GuestState.RUNNING || state == GuestState.STARTING) {
        log.info("event=desktop-stopping desktop=" + id + " trace=" + traceId(wanted));
        hypervisor.stop(id, stopGrace);
      }
      return new Outcome(hypervisor.observe(id), "", startedAt);
    } catch (HypervisorException | IOException e) {
      log.warning(
          "event=converge-failed desktop="
              + id
              + " trace="
              + traceId(wanted)
              + " reason=\""
              + e.getMessage()
              + "\"");
      return new Outcome(hypervisor.observe(id), e.getMessage(), startedAt);
    }
  }

  /**
   * The trace id of the request that asked for the desktop, as the control plane logged it; "-"
   * when it sent none (or something that is not a W3C trace context, which is never logged).
   */
  static String traceId(DesiredDesktop wanted) {
    return TraceParent.parse(wanted.getTraceParent()).map(TraceParent::traceId).orElse("-");
  }

  /** Stops the guest and deletes its disks (the user-data disk when the removal says so). */
  Outcome destroy(LocalDesktop desktop) {
    String id = desktop.id();
    try {
      hypervisor.destroy(id, desktop.removal() != null && desktop.removal().getDeleteUserData());
      Files.deleteIfExists(stateDir.resolve(id + ".os-generation"));
      log.info("event=desktop-removed desktop=" + id);
      return new Outcome(Observation.of(GuestState.ABSENT), "", desktop.startAttemptedAt());
    } catch (HypervisorException | IOException e) {
      log.warning("event=remove-failed desktop=" + id + " reason=\"" + e.getMessage() + "\"");
      return new Outcome(hypervisor.observe(id), e.getMessage(), desktop.startAttemptedAt());
    }
  }

  /** Only looks, carrying the problem the loop found (an image that cannot be fetched). */
  Outcome observe(LocalDesktop desktop, String problem) {
    return new Outcome(hypervisor.observe(desktop.id()), problem, desktop.startAttemptedAt());
  }

  /** The OS disk generation the desktop's disk was last built or refreshed for; 0 for none. */
  long appliedOsGeneration(String id) {
    try {
      Path file = stateDir.resolve(id + ".os-generation");
      return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private void recordOsGeneration(String id, long generation) throws IOException {
    Files.writeString(
        stateDir.resolve(id + ".os-generation"), Long.toString(Math.max(1, generation)));
  }
}
