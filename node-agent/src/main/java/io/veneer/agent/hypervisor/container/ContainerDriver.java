package io.veneer.agent.hypervisor.container;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorDriver;

/** OS-level desktops: namespaces over an overlay of a shared root filesystem, an X session. */
public final class ContainerDriver implements HypervisorDriver {

  @Override
  public String name() {
    return "container";
  }

  @Override
  public Hypervisor open(AgentSettings settings) {
    return new ContainerHypervisor(settings.dataDir());
  }
}
