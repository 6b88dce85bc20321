package io.veneer.agent.hypervisor;

import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

/** The simulated driver keeps the driver contract as far as its capabilities declare. */
class SimulatedDriverContractTest extends DriverContract {

  private final SteppedClock clock = new SteppedClock();
  private SimulatedHypervisor simulated;

  @Override
  protected Hypervisor open(Path host) {
    simulated = new SimulatedHypervisor(clock, Duration.ofSeconds(2), Duration.ofSeconds(1));
    return simulated;
  }

  @Override
  protected GuestSpec desktop(String desktopId, boolean userData) throws Exception {
    Path golden = host.resolve("golden.qcow2");
    if (!Files.exists(golden)) {
      Files.writeString(golden, "golden");
    }
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 96),
        new ImageRef("sha256:" + "0".repeat(64), ImageRef.Kind.DISK_QCOW2, golden),
        new BootSource.DiskImage(),
        GuestSpec.Machine.Q35,
        GuestSpec.Firmware.BIOS,
        false,
        new GuestSpec.Devices(userData ? 1 : 0, GuestSpec.Network.OFF));
  }

  @Override
  protected GuestSpec crashing(String desktopId) throws Exception {
    simulated.crashNextBoot(desktopId, crashLogLine());
    return desktop(desktopId, false);
  }

  @Override
  protected String crashLogLine() {
    return "Kernel panic - not syncing: simulated";
  }

  @Override
  protected boolean osDiskHoldsWrites(String desktopId) {
    return simulated.osDiskWritten(desktopId);
  }

  @Override
  protected void writeUserData(String desktopId, byte pattern) {
    simulated.writeUserData(desktopId, pattern);
  }

  @Override
  protected boolean userDataHolds(String desktopId, byte pattern) {
    return simulated.userData(desktopId).filter(data -> data == pattern).isPresent();
  }

  @Override
  protected Set<String> runningGuests(String desktopId) {
    return switch (simulated.observe(desktopId).state()) {
      case STARTING, RUNNING, STOPPING -> Set.of("boot-" + simulated.boots(desktopId));
      case ABSENT, STOPPED, FAILED -> Set.of();
    };
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(10);
  }

  /** A second of the simulated guests' time per poll: they boot only while a case waits. */
  @Override
  protected void letTimePass() {
    clock.step(Duration.ofSeconds(1));
  }

  /** A clock that moves only when told. */
  private static final class SteppedClock extends Clock {

    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void step(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a stepped clock stays in UTC");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
