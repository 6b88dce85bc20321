package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.TinyGolden;
import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.ImageRef;
import io.veneer.agent.hypervisor.RootfsLayers;
import io.veneer.testsupport.files.TreeDigest;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real shared-root QEMU guests (TCG here) of the tiny golden's shared-root variant: two desktops
 * (q35 and microvm) boot from one tree, unpacked once; the guest cannot write the share; a
 * desktop's writes outlive a reboot but not a refresh; the host's tree is the same afterwards, byte
 * for byte.
 */
@NeedsHost(HostTool.QEMU)
class SharedRootDesktopTest {

  private static final String READY = "VENEER GUEST READY";
  private static final Duration PATIENCE = Duration.ofSeconds(150);

  @TempDir Path host;

  @Test
  void desktopsShareOneReadOnlyTreeAndARefreshDiscardsTheirWrites() throws Exception {
    Path tar = TinyGolden.sharedRoot();
    ImageRef image = new ImageRef(sha256(tar), ImageRef.Kind.ROOTFS_TAR, tar);
    QemuHypervisor qemu =
        new QemuHypervisor(host, "qemu-system-x86_64", "qemu-img", READY, GuestEgress.NONE);
    assertThat(qemu.capabilities().bootSources()).contains(BootSource.Kind.SHARED_ROOT);
    Path tree = new RootfsLayers(host).lower(image);
    String before = TreeDigest.of(tree);
    GuestSpec first = spec("shared-1", image, GuestSpec.Machine.Q35);
    // A microvm where the driver offers one (under TCG: where the host's TSC rate is known).
    GuestSpec second =
        spec(
            "shared-2",
            image,
            qemu.capabilities().machines().contains(GuestSpec.Machine.MICROVM)
                ? GuestSpec.Machine.MICROVM
                : GuestSpec.Machine.Q35);

    qemu.createDisks(first);
    long freshDisk = Files.size(host.resolve("desktops/shared-1/os.qcow2"));
    assertThat(freshDisk).as("bytes of a fresh desktop's disk").isLessThanOrEqualTo(256 << 10);
    qemu.start(first);
    qemu.start(second);
    awaitReady(qemu, first, second);
    for (GuestSpec desktop : List.of(first, second)) {
      assertThat(console(desktop))
          .contains("VENEER SHARE READ-ONLY", "VENEER MARKER ABSENT")
          .doesNotContain("VENEER SHARE WRITABLE");
    }
    try (Stream<Path> trees = Files.list(host.resolve("rootfs"))) {
      assertThat(trees.toList()).containsExactly(tree);
    }

    // The second reboots as it is, the first is refreshed (a pooled desktop's logoff).
    qemu.stop(first.desktopId(), Duration.ofSeconds(5));
    qemu.stop(second.desktopId(), Duration.ofSeconds(5));
    qemu.resetOsDisk(first);
    qemu.start(first);
    qemu.start(second);
    awaitReady(qemu, first, second);
    assertThat(console(first)).contains("VENEER MARKER ABSENT");
    assertThat(console(second)).contains("VENEER MARKER PRESENT");

    qemu.stop(first.desktopId(), Duration.ofSeconds(5));
    qemu.stop(second.desktopId(), Duration.ofSeconds(5));
    assertThat(TreeDigest.of(tree)).isEqualTo(before);
    assertThat(Files.readString(tree.resolve("etc/veneer-release"))).doesNotContain("changed");

    qemu.destroy(first.desktopId(), true);
    assertThat(tree).as("still named by the second desktop").isDirectory();
    qemu.destroy(second.desktopId(), true);
    assertThat(tree).as("removed with the last desktop naming it").doesNotExist();
  }

  private static GuestSpec spec(String desktopId, ImageRef image, GuestSpec.Machine machine) {
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 128),
        image,
        new BootSource.SharedRoot(),
        machine,
        GuestSpec.Firmware.BIOS,
        false,
        new GuestSpec.Devices(0, GuestSpec.Network.OFF));
  }

  private void awaitReady(QemuHypervisor qemu, GuestSpec... desktops) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    for (GuestSpec desktop : desktops) {
      while (qemu.observe(desktop.desktopId()).state() != GuestState.RUNNING) {
        assertThat(System.nanoTime())
            .as("%s ready; its console: %s", desktop.desktopId(), console(desktop))
            .isLessThan(deadline);
        Thread.sleep(250);
      }
    }
  }

  private String console(GuestSpec desktop) throws IOException {
    Path log = host.resolve("desktops/" + desktop.desktopId() + "/console.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }
}
