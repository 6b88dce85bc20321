package io.veneer.agent.balloon;

import io.veneer.agent.hypervisor.GuestMemory;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The balloon policy at work: every period, on a thread of its own (a guest slow to answer QMP
 * delays no heartbeat), it reads the host's memory pressure, then each running guest's balloon
 * statistics, and moves the balloons the policy says should move. It also sums what the guests were
 * given and what they use, for the heartbeat.
 */
public final class Ballooning implements AutoCloseable {

  private static final Logger log = Logger.getLogger(Ballooning.class.getName());

  private final Hypervisor hypervisor;
  private final HostMemory host;
  private final BalloonSettings settings;
  private final HostPressure pressure;
  private final BalloonPolicy policy;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("balloon").factory());
  // Null until the first pass has looked at the guests.
  private volatile GuestsMemory guestsMemory;
  private boolean wasUnderPressure;

  public Ballooning(Hypervisor hypervisor, HostMemory host, BalloonSettings settings) {
    this.hypervisor = hypervisor;
    this.host = host;
    this.settings = settings;
    this.pressure = new HostPressure(settings);
    this.policy = new BalloonPolicy(settings.floorPercent());
  }

  public void start() {
    long millis = settings.period().toMillis();
    thread.scheduleWithFixedDelay(this::pass, 0, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * What the running guests were given and used at the last pass, by their own statistics (a guest
   * that has not reported yet counts its whole balloon); empty before the first pass.
   */
  public Optional<GuestsMemory> guestsMemory() {
    return Optional.ofNullable(guestsMemory);
  }

  /** One look at the host and every guest; public for tests that drive passes themselves. */
  public void pass() {
    boolean underPressure;
    try {
      HostMemory.Reading reading = host.read();
      underPressure = pressure.update(reading);
      if (underPressure != wasUnderPressure) {
        wasUnderPressure = underPressure;
        log.info(
            "event=host-memory-pressure "
                + (underPressure ? "state=began" : "state=ended")
                + " psiSomeAvg10="
                + reading.pressurePercent()
                + " availableMib="
                + reading.availableMib());
      }
    } catch (IOException | RuntimeException e) {
      log.warning("event=host-memory-unreadable reason=\"" + e.getMessage() + "\"");
      return;
    }
    long given = 0;
    long inUse = 0;
    for (String desktopId : hypervisor.inventory()) {
      Optional<GuestMemory> memory = hypervisor.memory(desktopId);
      if (memory.isEmpty()) {
        continue;
      }
      GuestMemory guest = memory.get();
      given += guest.sizeMib();
      inUse += guest.inUseMib();
      long target = policy.target(guest, underPressure);
      if (target != guest.balloonMib()) {
        move(desktopId, guest, target);
      }
    }
    guestsMemory = new GuestsMemory(given, inUse);
  }

  private void move(String desktopId, GuestMemory guest, long target) {
    try {
      hypervisor.setMemoryTarget(desktopId, target);
      log.info(
          "event=balloon-moved desktop="
              + desktopId
              + " fromMib="
              + guest.balloonMib()
              + " toMib="
              + target
              + " usedMib="
              + (guest.reported() ? String.valueOf(guest.usedMib()) : "unknown")
              + " sizeMib="
              + guest.sizeMib());
    } catch (HypervisorException e) {
      log.warning(
          "event=balloon-move-failed desktop=" + desktopId + " reason=\"" + e.getMessage() + "\"");
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
