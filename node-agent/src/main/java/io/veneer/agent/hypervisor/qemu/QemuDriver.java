package io.veneer.agent.hypervisor.qemu;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorDriver;

/** QEMU guests on qcow2 overlays, each in its own session so that it outlives the agent. */
public final class QemuDriver implements HypervisorDriver {

  @Override
  public String name() {
    return "qemu";
  }

  @Override
  public Hypervisor open(AgentSettings settings) {
    return new QemuHypervisor(
        settings.dataDir(),
        settings.qemuSystem(),
        settings.qemuImg(),
        settings.guestReadyLine(),
        settings.guestEgress());
  }
}
