package io.veneer.agent;

import static io.veneer.agent.QemuImages.bytesHeldByTheOverlayItself;
import static io.veneer.agent.QemuImages.listeningTcpSocketsOf;
import static io.veneer.agent.QemuImages.qemuIo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.veneer.agent.converge.Converger;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.ConsoleEndpoint;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import io.veneer.agent.v1.UserDataDisk;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real QEMU guests (TCG here) on qcow2 overlays of the tiny golden image. */
@NeedsHost(HostTool.QEMU)
class QemuGuestsTest {

  @TempDir Path data;
  private QemuHypervisor qemu;
  private ImageCache cache;
  private Converger converger;
  private Desktops desktops;
  private TinyGolden tiny;
  private final List<DesktopStatus> reports = new CopyOnWriteArrayList<>();

  @BeforeEach
  void agent() throws IOException {
    tiny = TinyGolden.get();
    qemu =
        new QemuHypervisor(
            data, "qemu-system-x86_64", "qemu-img", "VENEER GUEST READY", GuestEgress.NONE);
    cache = new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly(""));
    converger =
        new Converger(
            qemu,
            new ImageDownloads(cache, Clock.systemUTC(), Duration.ofSeconds(30), cached -> {}),
            reports::add,
            data,
            Duration.ofSeconds(1),
            Clock.systemUTC());
    desktops = new Desktops(cache, tiny);
  }

  @AfterEach
  void removeGuests() {
    converger.applyDesiredSet(List.of());
    converger.convergeOnce();
  }

  @Test
  void twoDesktopsClonedFromOneGoldenImageBootWithoutTouchingIt() throws Exception {
    String goldenBefore = ImageCache.sha256(tiny.golden());

    converger.applyDesiredSet(
        List.of(desktops.running("desk-a").build(), desktops.running("desk-b").build()));
    converger.convergeOnce();

    for (String desk : List.of("desk-a", "desk-b")) {
      awaitReport(desk, ObservedState.OBSERVED_STATE_RUNNING);
      assertThat(consoleOf(desk))
          .as("reported RUNNING only once the guest said it is ready")
          .contains("VENEER GUEST READY", "VENEER MARKER ABSENT");
    }
    assertThat(ImageCache.sha256(tiny.golden())).isEqualTo(goldenBefore);
    Path golden =
        cache.ensure(desktops.running("desk-a").build().getGoldenImage(), Optional.empty());
    for (String desk : List.of("desk-a", "desk-b")) {
      Path overlay = data.resolve("desktops/" + desk + "/os.qcow2");
      assertThat(qemuImgInfo(overlay)).contains("backing file: " + golden);
      // The guest wrote its marker and synced before printing its ready line.
      assertThat(bytesHeldByTheOverlayItself(overlay))
          .as("the overlay holds its guest's writes and nothing of the golden image")
          .isPositive()
          .isLessThan(4L << 20);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          FIRMWARE_UEFI | MACHINE_TYPE_Q35     | cannot boot firmware=uefi
          FIRMWARE_BIOS | MACHINE_TYPE_MICROVM | cannot give a guest machine=microvm
          """)
  void refusesHardwareItCannotHonourWithTheReasonAndStartsNothing(
      Firmware firmware, MachineType machine, String reason) throws Exception {
    assumeTrue(
        machine != MachineType.MACHINE_TYPE_MICROVM
            || !qemu.capabilities().machines().contains(GuestSpec.Machine.MICROVM),
        "the QEMU driver runs microvm guests here (KVM, or TCG with a known TSC rate)");
    assumeTrue(
        firmware != Firmware.FIRMWARE_UEFI
            || !qemu.capabilities().firmwares().contains(GuestSpec.Firmware.UEFI),
        "the QEMU driver boots UEFI guests here (OVMF is installed)");
    DesiredDesktop desktop = desktops.running("desk-x").build();
    converger.applyDesiredSet(
        List.of(
            desktop.toBuilder()
                .setHardware(
                    desktop.getHardware().toBuilder().setFirmware(firmware).setMachine(machine))
                .build()));
    converger.convergeOnce();

    DesktopStatus failed = awaitReport("desk-x", ObservedState.OBSERVED_STATE_FAILED);
    assertThat(failed.getFailureReason()).contains("the qemu driver on this host " + reason);
    assertThat(data.resolve("desktops/desk-x")).as("nothing was created").doesNotExist();
  }

  @Test
  void refreshReturnsADesktopToThePristineGoldenStateAndKeepsItsUserDataDisk() throws Exception {
    DesiredDesktop first =
        desktops
            .running("desk-r")
            .setUserDataDisk(UserDataDisk.newBuilder().setDiskId("data-r").setSizeGib(1))
            .build();
    converger.applyDesiredSet(List.of(first));
    converger.convergeOnce();
    assertThat(awaitConsole("desk-r", "VENEER GUEST READY")).contains("VENEER MARKER ABSENT");

    converger.upsert(
        first.toBuilder()
            .setSpecGeneration(2)
            .setPowerState(PowerState.POWER_STATE_STOPPED)
            .build());
    converger.convergeOnce();
    Path userData = data.resolve("userdata/data-r.qcow2");
    qemuIo(userData, "-c", "write -P 0x5a 0 64k");
    converger.upsert(first.toBuilder().setSpecGeneration(3).build());
    converger.convergeOnce();
    assertThat(awaitConsole("desk-r", "VENEER GUEST READY"))
        .as("a restart keeps the overlay")
        .contains("VENEER MARKER PRESENT");

    converger.upsert(first.toBuilder().setSpecGeneration(4).setOsDiskGeneration(2).build());
    converger.convergeOnce();
    assertThat(awaitConsole("desk-r", "VENEER GUEST READY"))
        .as("a refresh discards the overlay: the marker file is gone")
        .contains("VENEER MARKER ABSENT");
    assertThat(qemuIo(userData, "-r", "-U", "-c", "read -P 0x5a 0 64k"))
        .as("the user-data disk kept what was written to it before the refresh")
        .contains("read 65536/65536 bytes")
        .doesNotContain("Pattern verification failed");
  }

  @Test
  void aUsersDataDiskOutlivesTheirDesktopAndIsAttachedToTheirNextOne() throws Exception {
    UserDataDisk alices = UserDataDisk.newBuilder().setDiskId("data-alice").setSizeGib(1).build();
    DesiredDesktop first = desktops.running("desk-u1").setUserDataDisk(alices).build();
    converger.applyDesiredSet(List.of(first));
    converger.convergeOnce();
    awaitConsole("desk-u1", "VENEER GUEST READY");
    converger.upsert(
        first.toBuilder()
            .setSpecGeneration(2)
            .setPowerState(PowerState.POWER_STATE_STOPPED)
            .build());
    converger.convergeOnce();
    awaitReport("desk-u1", ObservedState.OBSERVED_STATE_STOPPED);
    Path disk = data.resolve("userdata/data-alice.qcow2");
    qemuIo(disk, "-c", "write -P 0x6b 0 64k");

    // Her desktop is removed (a pooled one is, or she logs off and it goes to someone else).
    converger.applyDesiredSet(List.of());
    converger.convergeOnce();
    awaitReport("desk-u1", ObservedState.OBSERVED_STATE_ABSENT);
    assertThat(data.resolve("desktops/desk-u1")).doesNotExist();
    assertThat(disk).as("her disk outlives the desktop").exists();

    converger.applyDesiredSet(List.of(desktops.running("desk-u2").setUserDataDisk(alices).build()));
    converger.convergeOnce();
    awaitConsole("desk-u2", "VENEER GUEST READY");
    long pid = Long.parseLong(Files.readString(data.resolve("desktops/desk-u2/qemu.pid")).strip());
    assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline")))
        .as("her next desktop's guest has her disk")
        .contains("file=" + disk + ",format=qcow2");
    assertThat(qemuIo(disk, "-r", "-U", "-c", "read -P 0x6b 0 64k"))
        .as("what she wrote is on it")
        .contains("read 65536/65536 bytes")
        .doesNotContain("Pattern verification failed");
  }

  @Test
  void aMicrovmDesktopBootsItsKernelDirectlyToItsReadyLineUnderTcgToo() throws Exception {
    assumeTrue(
        qemu.capabilities().machines().contains(GuestSpec.Machine.MICROVM),
        "microvm under TCG needs a host whose TSC rate is known");
    DesiredDesktop desktop = desktops.running("desk-m").build();
    converger.applyDesiredSet(
        List.of(
            desktop.toBuilder()
                .setHardware(
                    desktop.getHardware().toBuilder().setMachine(MachineType.MACHINE_TYPE_MICROVM))
                .build()));
    converger.convergeOnce();

    // Slower than q35 to reach it under TCG: no PCI, but every MMIO exit is emulated.
    assertThat(awaitConsole("desk-m", "VENEER GUEST READY", Duration.ofMinutes(4)))
        .contains("VENEER MARKER ABSENT");
    String pid = Files.readString(data.resolve("desktops/desk-m/qemu.pid")).strip();
    String cmdline = Files.readString(Path.of("/proc", pid, "cmdline"), StandardCharsets.UTF_8);
    assertThat(cmdline).contains("microvm").doesNotContain("q35", "-pci");
    if (cmdline.contains("accel=tcg")) {
      assertThat(cmdline).as("the TSC rate its kernel cannot calibrate").contains("tsc_early_khz=");
    }
  }

  @Test
  void aUefiDesktopBootsItsKernelThroughOvmfWithAVariableStoreOfItsOwn() throws Exception {
    assumeTrue(
        qemu.capabilities().firmwares().contains(GuestSpec.Firmware.UEFI),
        "UEFI needs Debian's ovmf installed");
    DesiredDesktop desktop = desktops.running("desk-u").build();
    converger.applyDesiredSet(
        List.of(
            desktop.toBuilder()
                // OVMF needs more than the tiny guest's usual 96 MiB (DriverCapabilities).
                .setSize(desktop.getSize().toBuilder().setMemoryMib(192))
                .setHardware(desktop.getHardware().toBuilder().setFirmware(Firmware.FIRMWARE_UEFI))
                .build()));
    converger.convergeOnce();

    assertThat(awaitConsole("desk-u", "VENEER GUEST READY", Duration.ofMinutes(4)))
        .contains("VENEER MARKER ABSENT");
    String pid = Files.readString(data.resolve("desktops/desk-u/qemu.pid")).strip();
    assertThat(Files.readString(Path.of("/proc", pid, "cmdline"), StandardCharsets.UTF_8))
        .contains("if=pflash", "OVMF_CODE", "readonly=on", "desk-u/efivars.fd");
    assertThat(data.resolve("desktops/desk-u/efivars.fd")).isNotEmptyFile();
  }

  @Test
  void aDesktopWithoutAHardwareProfileBootsTheGoldenImageFromItsDisk() throws Exception {
    DesiredDesktop desktop = desktops.bootingFromDisk("desk-d").build();
    assertThat(desktop.hasHardware()).isFalse();

    converger.applyDesiredSet(List.of(desktop));
    converger.convergeOnce();

    assertThat(awaitConsole("desk-d", "VENEER GUEST READY")).contains("VENEER MARKER ABSENT");
    String pid = Files.readString(data.resolve("desktops/desk-d/qemu.pid")).strip();
    assertThat(Files.readString(Path.of("/proc", pid, "cmdline"), StandardCharsets.UTF_8))
        .as("no kernel given to QEMU: the BIOS booted the disk")
        .contains("q35")
        .doesNotContain("-kernel", "-initrd");
    awaitReport("desk-d", ObservedState.OBSERVED_STATE_RUNNING);
  }

  @Test
  void aGuestsDisplayIsOnAUnixSocketOnlyTheAgentOpensReachedThroughItsConsoleListenerNotTcp()
      throws Exception {
    var ca = new LocalCertificateAuthority(data.resolve("tls")).create();
    UUID desk = UUID.randomUUID();
    converger.applyDesiredSet(List.of(desktops.withDisplay(desk.toString()).build()));
    converger.convergeOnce();

    ConsoleEndpoint console =
        awaitReport(desk.toString(), ObservedState.OBSERVED_STATE_RUNNING).getConsole();
    assertThat(console.getProtocol()).isEqualTo("vnc");
    assertThat(console.getPort()).as("no TCP port").isZero();
    assertThat(console.getPassword()).as("no password: the socket is the boundary").isEmpty();
    Path socket = Path.of(console.getUnixSocket());
    assertThat(Files.getPosixFilePermissions(socket.getParent()))
        .as("the socket's directory is the agent's alone")
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    long pid =
        Long.parseLong(Files.readString(data.resolve("desktops/" + desk + "/qemu.pid")).strip());
    assertThat(listeningTcpSocketsOf(pid)).as("QEMU listens on no TCP port").isEmpty();

    assertThat(ConsoleThroughTheListener.firstBytes(ca, qemu, desk, 15))
        .as("the listener admits the grant, then the guest's display greets in RFB")
        .startsWith("OK\nRFB 003.");

    converger.applyDesiredSet(List.of());
    converger.convergeOnce();
    awaitReport(desk.toString(), ObservedState.OBSERVED_STATE_ABSENT);
    assertThat(data.resolve("desktops/" + desk + "/vnc"))
        .as("removed, its display's socket folder with it")
        .doesNotExist();
  }

  @Test
  void aGuestThatCrashesIsReportedWithTheReasonFromItsLog() throws Exception {
    converger.applyDesiredSet(
        List.of(desktops.running("desk-c", "rdinit=/no-such-init init=/no-such-init").build()));
    converger.convergeOnce();

    DesktopStatus failed = awaitReport("desk-c", ObservedState.OBSERVED_STATE_FAILED);

    assertThat(failed.getFailureReason())
        .startsWith("the guest stopped unexpectedly: Kernel panic - not syncing:");
  }

  private DesktopStatus awaitReport(String desk, ObservedState state) throws InterruptedException {
    return ConvergedReports.await(converger, reports, desk, state, Duration.ofSeconds(60));
  }

  private String consoleOf(String desk) throws IOException {
    return Files.readString(
        data.resolve("desktops/" + desk + "/console.log"), StandardCharsets.ISO_8859_1);
  }

  private String awaitConsole(String desk, String line) throws Exception {
    return awaitConsole(desk, line, Duration.ofSeconds(90));
  }

  private String awaitConsole(String desk, String line, Duration patience) throws Exception {
    Path console = data.resolve("desktops/" + desk + "/console.log");
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(console)) {
        String text = Files.readString(console, StandardCharsets.ISO_8859_1);
        if (text.contains(line)) {
          return text;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        desk
            + " never printed "
            + line
            + "; console: "
            + (Files.exists(console)
                ? Files.readString(console, StandardCharsets.ISO_8859_1)
                : "none"));
  }

  private static String qemuImgInfo(Path image) throws IOException {
    Process process =
        new ProcessBuilder("qemu-img", "info", "-U", image.toString())
            .redirectErrorStream(true)
            .start();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
