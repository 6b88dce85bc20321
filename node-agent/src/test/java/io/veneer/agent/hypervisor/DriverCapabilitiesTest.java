package io.veneer.agent.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.GuestSpec.Devices;
import io.veneer.agent.hypervisor.GuestSpec.Firmware;
import io.veneer.agent.hypervisor.GuestSpec.Machine;
import io.veneer.agent.hypervisor.GuestSpec.Network;
import io.veneer.agent.hypervisor.GuestSpec.Size;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A driver refuses what it cannot honour, naming the capability, and runs everything else. */
class DriverCapabilitiesTest {

  // The QEMU driver under TCG: q35 only, SeaBIOS only.
  private static final DriverCapabilities TCG_QEMU =
      new DriverCapabilities(
          EnumSet.allOf(BootSource.Kind.class),
          Set.of(Machine.Q35),
          Set.of(Firmware.BIOS),
          true,
          true,
          true,
          true,
          true);
  // A driver that can do everything: what is refused is refused for every driver.
  private static final DriverCapabilities EVERYTHING =
      new DriverCapabilities(
          EnumSet.allOf(BootSource.Kind.class),
          EnumSet.allOf(Machine.class),
          EnumSet.allOf(Firmware.class),
          true,
          true,
          true,
          true,
          true);
  private static final DriverCapabilities HEADLESS_DISK_ONLY =
      new DriverCapabilities(
          Set.of(BootSource.Kind.DISK_IMAGE),
          EnumSet.allOf(Machine.class),
          EnumSet.allOf(Firmware.class),
          false,
          false,
          false,
          false,
          false);

  @ParameterizedTest(name = "{0} asks {1}/{2}/{3}/display={4}/userData={5}: {6}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          tcg     | disk   | Q35     | BIOS | false | 0 | -
          tcg     | kernel | Q35     | BIOS | true  | 1 | -
          tcg     | disk   | Q35     | UEFI | false | 0 | the qemu driver on this host cannot boot firmware=uefi
          tcg     | kernel | MICROVM | BIOS | false | 0 | the qemu driver on this host cannot give a guest machine=microvm
          all     | disk   | MICROVM | BIOS | false | 0 | machine=microvm needs direct-kernel or shared-root boot (a kernel given directly) and no display
          all     | disk   | MICROVM | BIOS | true  | 0 | machine=microvm needs direct-kernel or shared-root boot (a kernel given directly) and no display
          all     | kernel | MICROVM | UEFI | false | 0 | the qemu driver on this host cannot boot from direct-kernel (boot source)
          all     | disk   | Q35     | UEFI | true  | 0 | the qemu driver on this host cannot give a guest a display
          all     | disk   | Q35     | BIOS | false | 2 | the qemu driver on this host cannot attach a persistent user-data disk
          every   | kernel | MICROVM | BIOS | false | 0 | -
          every   | shared | MICROVM | BIOS | false | 0 | -
          every   | shared | MICROVM | BIOS | true  | 0 | machine=microvm needs direct-kernel or shared-root boot (a kernel given directly) and no display
          all     | shared | Q35     | BIOS | false | 0 | the qemu driver on this host cannot boot from shared-root (boot source)
          every   | kernel | MICROVM | UEFI | false | 0 | machine=microvm boots its kernel without firmware: firmware=uefi needs q35
          every   | kernel | Q35     | UEFI | true  | 1 | firmware=uefi needs at least 192 MiB of memory (OVMF fails below it), not 96
          """)
  void refusesExactlyWhatTheDriverCannotHonour(
      String driver,
      String boot,
      Machine machine,
      Firmware firmware,
      boolean display,
      long userDataGib,
      String refusal) {
    DriverCapabilities capabilities =
        switch (driver) {
          case "tcg" -> TCG_QEMU;
          case "every" -> EVERYTHING;
          default -> HEADLESS_DISK_ONLY;
        };
    ImageRef golden = new ImageRef("sha256:g", ImageRef.Kind.DISK_QCOW2, Path.of("g"));
    BootSource source =
        switch (boot) {
          case "disk" -> new BootSource.DiskImage();
          case "shared" -> new BootSource.SharedRoot();
          default ->
              new BootSource.DirectKernel(
                  new ImageRef("sha256:k", ImageRef.Kind.KERNEL, Path.of("k")), null, "quiet");
        };
    GuestSpec spec =
        new GuestSpec(
            "desk-1",
            new Size(1, 96),
            golden,
            source,
            machine,
            firmware,
            display,
            new Devices(userDataGib, Network.OFF));

    assertThat(capabilities.refusal(spec, "qemu").orElse(null)).isEqualTo(refusal);
  }
}
