package io.veneer.agent.hypervisor;

import io.veneer.agent.TinyGolden;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.nio.file.Path;

/** Real QEMU guests (TCG here) of the tiny golden image keep the driver contract. */
@NeedsHost(HostTool.QEMU)
class QemuDriverContractTest extends QemuGuestContract {

  @Override
  protected Hypervisor open(Path host) {
    return new QemuHypervisor(
        host, "qemu-system-x86_64", "qemu-img", "VENEER GUEST READY", GuestEgress.NONE);
  }

  @Override
  protected TinyGolden images() throws IOException {
    return TinyGolden.get();
  }
}
