package io.veneer.agent.hypervisor.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.ImageRef;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the libvirt driver refuses before it asks libvirt anything. */
class LibvirtHypervisorTest {

  @TempDir Path data;

  @Test
  void anOutboundDesktopIsRefusedBeforeAnythingIsCreated() {
    LibvirtHypervisor driver = new LibvirtHypervisor(data, "qemu:///system", "qemu-img", "");
    GuestSpec outbound =
        new GuestSpec(
            "desk-out",
            new GuestSpec.Size(1, 96),
            new ImageRef(
                "sha256:" + "0".repeat(64), ImageRef.Kind.DISK_QCOW2, data.resolve("golden")),
            new BootSource.DiskImage(),
            GuestSpec.Machine.Q35,
            GuestSpec.Firmware.BIOS,
            false,
            new GuestSpec.Devices(0, GuestSpec.Network.OUTBOUND));

    assertThatThrownBy(() -> driver.createDisks(outbound))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining("desk-out may connect outbound")
        .hasMessageContaining("the libvirt driver gives guests no outside network");
    assertThatThrownBy(() -> driver.start(outbound))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining("no outside network");
    assertThat(driver.inventory()).isEmpty();
    assertThat(data.resolve("desktops")).doesNotExist();
  }
}
