package io.veneer.agent.hypervisor.simulated;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorDriver;
import java.time.Clock;
import java.util.logging.Logger;

/** Desktops without processes, for scale tests. */
public final class SimulatedDriver implements HypervisorDriver {

  private static final Logger log = Logger.getLogger(SimulatedDriver.class.getName());

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public Hypervisor open(AgentSettings settings) {
    log.warning(
        "event=simulated-driver message=\"THIS HOST RUNS NO REAL GUESTS: the simulated driver"
            + " is in use (VENEER_DRIVER=simulated or qemu-system-x86_64 not found)\"");
    return new SimulatedHypervisor(
        Clock.systemUTC(), settings.simulatedStartDelay(), settings.simulatedStopDelay());
  }
}
