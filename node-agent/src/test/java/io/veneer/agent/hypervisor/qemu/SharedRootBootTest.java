package io.veneer.agent.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.hypervisor.HypervisorException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedRootBootTest {

  private static final String DIGEST = "sha256:" + "a".repeat(64);

  @TempDir Path tree;

  @Test
  void aTreeWithoutItsOwnKernelIsRefusedNamingTheFile() throws Exception {
    Files.createDirectories(tree.resolve("boot/veneer"));
    Files.writeString(tree.resolve("boot/veneer/initrd.img"), "");

    assertThatThrownBy(() -> SharedRootBoot.of(tree, DIGEST))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining(DIGEST)
        .hasMessageContaining("no /boot/veneer/vmlinux");
  }

  @Test
  void theShareIsReadOnlyInQemuAndTheImagesOwnKernelBoots() throws Exception {
    Files.createDirectories(tree.resolve("boot/veneer"));
    Files.writeString(tree.resolve("boot/veneer/vmlinux"), "");
    Files.writeString(tree.resolve("boot/veneer/initrd.img"), "");

    assertThat(SharedRootBoot.of(tree, DIGEST).arguments("pci"))
        .containsSubsequence(
            "-fsdev",
            "local,id=root,path=" + tree + ",security_model=none,readonly=on",
            "-device",
            "virtio-9p-pci,fsdev=root,mount_tag=veneer-root",
            "-kernel",
            tree.resolve("boot/veneer/vmlinux").toString(),
            "-initrd",
            tree.resolve("boot/veneer/initrd.img").toString());
  }
}
