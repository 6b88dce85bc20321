package io.veneer.agent.hypervisor.libvirt;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorDriver;

/** Guests as libvirt domains (QEMU underneath), on the same qcow2 overlays as the qemu driver. */
public final class LibvirtDriver implements HypervisorDriver {

  @Override
  public String name() {
    return "libvirt";
  }

  @Override
  public Hypervisor open(AgentSettings settings) {
    return new LibvirtHypervisor(
        settings.dataDir(), settings.libvirtUri(), settings.qemuImg(), settings.guestReadyLine());
  }
}
