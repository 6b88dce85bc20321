package io.veneer.loadtests.fleet;

import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.loadtests.history.Fact;
import io.veneer.loadtests.history.History;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * One host's driver, writing what it does into the fleet's one history: every guest it starts and
 * ends, on this host, and every change of state its agent sees. The driver underneath is the
 * simulated one, whose guests live in the agent's memory: when the agent dies ({@link #agentDied}),
 * so do they. Its stops can be made to hang ({@link #hangStops}), as a driver whose guests ignore
 * their power-off does.
 */
final class RecordingHypervisor implements Hypervisor {

  private final String host;
  private final Hypervisor driver;
  private final History history;
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  private final Map<String, GuestState> seen = new ConcurrentHashMap<>();
  private volatile boolean dead;
  // While set, every stop waits on it: a driver that hangs on every stop (fault 8).
  private volatile CountDownLatch stopsHeld;

  RecordingHypervisor(String host, Hypervisor driver, History history) {
    this.host = host;
    this.driver = driver;
    this.history = history;
  }

  /** The agent is gone, and its guests with it. */
  void agentDied() {
    dead = true;
    List<String> gone = List.copyOf(running);
    running.clear();
    gone.forEach(id -> history.record(new Fact.GuestEnded(Instant.now(), host, id, "agent-died")));
  }

  /** From now on every stop hangs, until {@link #releaseStops}. */
  void hangStops() {
    stopsHeld = new CountDownLatch(1);
  }

  /** The stops hanging return, and stops no longer hang. */
  void releaseStops() {
    CountDownLatch held = stopsHeld;
    stopsHeld = null;
    if (held != null) {
      held.countDown();
    }
  }

  @Override
  public String name() {
    return driver.name();
  }

  @Override
  public DriverCapabilities capabilities() {
    return driver.capabilities();
  }

  @Override
  public void createDisks(GuestSpec spec) throws HypervisorException {
    driver.createDisks(spec);
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    driver.resetOsDisk(spec);
  }

  @Override
  public void start(GuestSpec spec) throws HypervisorException {
    if (dead) {
      // A worker of the dead agent still finishing: a dead process starts nothing.
      throw new HypervisorException("The agent of " + host + " is dead");
    }
    driver.start(spec);
    String id = spec.desktopId();
    if (driver.observe(id).state() != GuestState.FAILED && running.add(id)) {
      // The simulated driver keeps each desktop's overlay on its host: the disk is host and
      // desktop.
      history.record(new Fact.GuestStarted(Instant.now(), host, id, host + "/" + id));
    }
  }

  @Override
  public void stop(String desktopId, Duration grace) throws HypervisorException {
    CountDownLatch held = stopsHeld;
    if (held != null) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HypervisorException("The stop of " + desktopId + " was interrupted");
      }
    }
    driver.stop(desktopId, grace);
    ended(desktopId, "stopped");
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) throws HypervisorException {
    driver.destroy(desktopId, deleteUserData);
    ended(desktopId, "destroyed");
  }

  private void ended(String desktopId, String cause) {
    if (running.remove(desktopId)) {
      history.record(new Fact.GuestEnded(Instant.now(), host, desktopId, cause));
    }
  }

  @Override
  public Observation observe(String desktopId) {
    Observation observation = driver.observe(desktopId);
    GuestState before = seen.put(desktopId, observation.state());
    if (before != observation.state()) {
      history.record(
          new Fact.StateSeen(Instant.now(), host, desktopId, observation.state().name()));
    }
    return observation;
  }

  @Override
  public Set<String> inventory() {
    return driver.inventory();
  }

  @Override
  public Set<Path> goldenImagesInUse() {
    return driver.goldenImagesInUse();
  }

  @Override
  public void setMemoryTarget(String desktopId, long memoryMib) throws HypervisorException {
    driver.setMemoryTarget(desktopId, memoryMib);
  }
}
