package io.veneer.agent.hypervisor.simulated;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Desktops without processes: each moves through STARTING to RUNNING and STOPPING to STOPPED after
 * configurable delays on the given clock, and fails or crashes on demand. Its disks are modelled as
 * far as the driver contract asks: a booted guest has written to its OS disk (as real guests do)
 * until a refresh resets it, and a user-data disk keeps what was written to it until it is deleted.
 * One JVM can act as hundreds of hosts this way; a few hundred bytes per desktop.
 */
public final class SimulatedHypervisor implements Hypervisor {

  private final Clock clock;
  private final Duration startDelay;
  private final Duration stopDelay;
  private final Map<String, Guest> guests = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final Map<String, String> crashes = new ConcurrentHashMap<>();
  private final Map<String, Byte> userDisks = new ConcurrentHashMap<>();

  private static final class Guest {
    volatile boolean running;
    volatile Instant since;
    volatile int osDiskResets;
    volatile boolean osDiskWritten;
    volatile int boots;
    volatile String failure = "";
    volatile Path golden;
  }

  public SimulatedHypervisor(Clock clock, Duration startDelay, Duration stopDelay) {
    this.clock = clock;
    this.startDelay = startDelay;
    this.stopDelay = stopDelay;
  }

  /** The next start of this desktop fails with the reason (failure injection). */
  public void failNextStart(String desktopId, String reason) {
    failures.put(desktopId, reason);
  }

  /** The next boot of this desktop crashes, its log ending with the line (failure injection). */
  public void crashNextBoot(String desktopId, String logLine) {
    crashes.put(desktopId, logLine);
  }

  /** Whether a guest has written to the desktop's OS disk since it was created or last reset. */
  public boolean osDiskWritten(String desktopId) {
    Guest guest = guests.get(desktopId);
    return guest != null && guest.osDiskWritten;
  }

  /** How many guests of this desktop were booted, for tests counting second guests. */
  public int boots(String desktopId) {
    Guest guest = guests.get(desktopId);
    return guest == null ? 0 : guest.boots;
  }

  /**
   * Fills a user-data disk with the byte, as its user would: the desktop's own by the desktop's id,
   * or a user's by the disk's id.
   */
  public void writeUserData(String diskKey, byte pattern) {
    if (userDisks.replace(diskKey, pattern) == null) {
      throw new IllegalStateException(diskKey + " has no user-data disk");
    }
  }

  /** The byte a user-data disk is filled with (0 when blank), if it exists; keyed as written. */
  public Optional<Byte> userData(String diskKey) {
    return Optional.ofNullable(userDisks.get(diskKey));
  }

  /** How often the desktop's OS disk was reset (refreshes), for tests. */
  public int osDiskResets(String desktopId) {
    Guest guest = guests.get(desktopId);
    return guest == null ? 0 : guest.osDiskResets;
  }

  @Override
  public String name() {
    return "simulated";
  }

  /**
   * All the hardware a real driver may offer: it pretends, so it can pretend any. But not
   * re-adoption: its guests live in the agent's memory and end with it.
   */
  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(
        EnumSet.allOf(BootSource.Kind.class),
        EnumSet.allOf(GuestSpec.Machine.class),
        EnumSet.allOf(GuestSpec.Firmware.class),
        true,
        true,
        true,
        false,
        true);
  }

  @Override
  public void createDisks(GuestSpec spec) {
    if (spec.devices().userDataGib() > 0) {
      String diskId = spec.devices().userDataDiskId();
      userDisks.putIfAbsent(diskId.isEmpty() ? spec.desktopId() : diskId, (byte) 0);
    }
    guests.computeIfAbsent(
        spec.desktopId(),
        id -> {
          Guest guest = new Guest();
          guest.since = clock.instant().minus(stopDelay);
          guest.golden = spec.image().path();
          return guest;
        });
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    createDisks(spec);
    Guest guest = guests.get(spec.desktopId());
    if (guest.running) {
      throw new HypervisorException(
          "Desktop " + spec.desktopId() + " must be stopped before a refresh");
    }
    guest.osDiskResets++;
    guest.osDiskWritten = false;
    guest.failure = "";
    guest.golden = spec.image().path();
  }

  @Override
  public void start(GuestSpec spec) {
    createDisks(spec);
    Guest guest = guests.get(spec.desktopId());
    if (guest.running) {
      return;
    }
    String failure = failures.remove(spec.desktopId());
    String crash = crashes.remove(spec.desktopId());
    if (failure == null) {
      guest.boots++;
      guest.osDiskWritten = true;
    }
    if (failure == null && crash != null) {
      failure = "the guest stopped unexpectedly: " + crash;
    }
    guest.failure = failure == null ? "" : failure;
    guest.running = failure == null;
    guest.since = clock.instant();
  }

  @Override
  public void stop(String desktopId, Duration grace) {
    Guest guest = guests.get(desktopId);
    if (guest != null && guest.running) {
      guest.running = false;
      guest.since = clock.instant();
    }
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) {
    guests.remove(desktopId);
    if (deleteUserData) {
      userDisks.remove(desktopId);
    }
  }

  @Override
  public Observation observe(String desktopId) {
    Guest guest = guests.get(desktopId);
    if (guest == null) {
      return Observation.of(GuestState.ABSENT);
    }
    if (!guest.failure.isEmpty()) {
      return Observation.failed(guest.failure);
    }
    boolean settled =
        !clock.instant().isBefore(guest.since.plus(guest.running ? startDelay : stopDelay));
    if (guest.running) {
      return Observation.of(settled ? GuestState.RUNNING : GuestState.STARTING);
    }
    return Observation.of(settled ? GuestState.STOPPED : GuestState.STOPPING);
  }

  @Override
  public Set<String> inventory() {
    return Set.copyOf(guests.keySet());
  }

  @Override
  public Set<Path> goldenImagesInUse() {
    Set<Path> goldens = new HashSet<>();
    for (Guest guest : guests.values()) {
      goldens.add(guest.golden);
    }
    return goldens;
  }

  @Override
  public void setMemoryTarget(String desktopId, long memoryMib) {
    // Nothing to balloon without a guest.
  }
}
