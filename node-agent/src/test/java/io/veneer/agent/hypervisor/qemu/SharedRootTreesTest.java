package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.ImageRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The QEMU driver removes an unpacked root tree once no shared-root desktop of the host names it,
 * as the container driver removes its lower directories; no guest is started (qemu-img only).
 */
class SharedRootTreesTest {

  private static final String FIRST = "sha256:" + "a".repeat(64);
  private static final String SECOND = "sha256:" + "b".repeat(64);

  @TempDir Path host;
  private QemuHypervisor qemu;

  @BeforeEach
  void unpackTwoTrees() throws Exception {
    qemu = new QemuHypervisor(host, "qemu-system-x86_64", "qemu-img", "", GuestEgress.NONE);
    // What RootfsLayers.lower leaves: a tree per digest (their contents do not matter here).
    Files.createDirectories(tree(FIRST).resolve("etc"));
    Files.createDirectories(tree(SECOND).resolve("etc"));
  }

  @Test
  void aTreeGoesWithTheLastDesktopNamingItAndTheOthersStay() throws Exception {
    qemu.createDisks(spec("one", FIRST));
    qemu.createDisks(spec("two", FIRST));
    qemu.createDisks(spec("three", SECOND));

    qemu.destroy("one", true);
    assertThat(tree(FIRST)).as("still named by desktop two").isDirectory();

    qemu.destroy("two", true);
    assertThat(tree(FIRST)).doesNotExist();
    assertThat(tree(SECOND)).isDirectory();
  }

  @Test
  void aRefreshOntoAnotherTreeReleasesTheOldOne() throws Exception {
    qemu.createDisks(spec("one", FIRST));

    qemu.resetOsDisk(spec("one", SECOND));

    assertThat(tree(FIRST)).doesNotExist();
    assertThat(tree(SECOND)).isDirectory();
  }

  @Test
  void noTreeIsRemovedWhileADesktopsTreeCannotBeTold() throws Exception {
    qemu.createDisks(spec("one", FIRST));
    qemu.createDisks(spec("two", SECOND));
    Files.delete(host.resolve("desktops/two/rootfs"));

    qemu.destroy("one", true);

    assertThat(tree(FIRST)).isDirectory();
    assertThat(tree(SECOND)).isDirectory();
  }

  private Path tree(String digest) {
    return host.resolve("rootfs").resolve(digest.substring("sha256:".length()));
  }

  private GuestSpec spec(String desktopId, String digest) {
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 128),
        new ImageRef(digest, ImageRef.Kind.ROOTFS_TAR, host.resolve("unused.tar")),
        new BootSource.SharedRoot(),
        GuestSpec.Machine.Q35,
        GuestSpec.Firmware.BIOS,
        false,
        new GuestSpec.Devices(0, GuestSpec.Network.OFF));
  }
}
