package io.veneer.agent.hypervisor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The driver SPI: what the agent needs from a hypervisor. Every operation is idempotent, so the
 * converger may repeat any of them after a restart or a reconnect. The agent calls each desktop's
 * operations on that desktop's own worker, one at a time, so they may take as long as the guest
 * makes them.
 */
public interface Hypervisor {

  /** Its driver's name ({@link HypervisorDriver#name}), reported in the agent's Hello. */
  String name();

  /** What it can do on this host; a spec it cannot honour is refused, never run otherwise. */
  DriverCapabilities capabilities();

  /** Creates the OS overlay on the golden image (and the user-data disk) unless they exist. */
  void createDisks(GuestSpec spec) throws HypervisorException;

  /** Discards the OS overlay and recreates it from the golden image; the guest must be stopped. */
  void resetOsDisk(GuestSpec spec) throws HypervisorException;

  /** Defines and starts the guest; a no-op when it already runs. */
  void start(GuestSpec spec) throws HypervisorException;

  /** Asks the guest to power off, and forces it off after {@code grace}; a no-op when stopped. */
  void stop(String desktopId, Duration grace) throws HypervisorException;

  /** Stops the guest and deletes its disks (the user-data disk only when asked). */
  void destroy(String desktopId, boolean deleteUserData) throws HypervisorException;

  Observation observe(String desktopId);

  /**
   * Every desktop the host holds disks or a guest for: the inventory reported on connect. Called on
   * the agent's loop, so it lists what the host holds without asking any guest anything.
   */
  Set<String> inventory();

  /**
   * The golden images the host's OS disks are overlays of, whether their guests run or not: the
   * image cache must keep them, or those desktops could never boot again. Called on the agent's
   * loop, like {@link #inventory}.
   */
  Set<Path> goldenImagesInUse();

  /** Sets the balloon target of a running guest. */
  void setMemoryTarget(String desktopId, long memoryMib) throws HypervisorException;

  /**
   * A running guest's memory from its balloon, or empty when it does not run or the driver cannot
   * see inside it (then the balloon policy leaves it alone). Called off the agent's loop.
   */
  default Optional<GuestMemory> memory(String desktopId) {
    return Optional.empty();
  }
}
