package io.veneer.loadtests.fleet;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.NodeAgent;
import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Many hosts in one JVM, each the real node agent ({@link NodeAgent}: its own gRPC stream and agent
 * token, its converger, heartbeats and reconnects) on the simulated driver. Each agent's loop is a
 * virtual thread and the gRPC channels share Netty's default event loop, so a thousand agents run
 * on a handful of platform threads.
 */
public final class SimulatedFleet implements AutoCloseable {

  private static final Logger log = Logger.getLogger(SimulatedFleet.class.getName());
  // Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
  private static final Logger AGENT_LOGS = Logger.getLogger("io.veneer.agent");
  private static final Logger GRPC_LOGS = Logger.getLogger("io.grpc.internal");

  /** One host of the fleet: registered, with its agent token and the replica its agent dials. */
  public record Member(String hostId, String agentToken, String controlPlane) {}

  private final List<NodeAgent> agents;

  private SimulatedFleet(List<NodeAgent> agents) {
    this.agents = agents;
  }

  /**
   * Starts one agent per member.
   *
   * @param dataRoot each agent's data directory is {@code <dataRoot>/<hostId>}
   * @param seed draws each host's boot time from {@code bootTime}, repeatably
   */
  public static SimulatedFleet start(
      List<Member> members,
      HostCapacity capacity,
      BootTime bootTime,
      GoldenBlob golden,
      Path dataRoot,
      long seed)
      throws IOException {
    // One line per agent event would be thousands of lines: the fleet reports only trouble.
    AGENT_LOGS.setLevel(Level.WARNING);
    Random random = new Random(seed);
    List<NodeAgent> agents = new ArrayList<>();
    SimulatedFleet fleet = new SimulatedFleet(agents);
    try {
      for (Member member : members) {
        Path data = dataRoot.resolve(member.hostId());
        golden.seed(data);
        AgentSettings settings =
            AgentSettings.fromEnvironment(
                environment(member, capacity, bootTime.draw(random).toMillis(), data));
        NodeAgent agent =
            new NodeAgent(
                settings,
                new SimulatedHypervisor(
                    Clock.systemUTC(),
                    settings.simulatedStartDelay(),
                    settings.simulatedStopDelay()),
                Thread.ofVirtual().name("agent-" + member.hostId()));
        agents.add(agent);
        agent.start();
      }
    } catch (IOException | RuntimeException e) {
      fleet.close();
      throw e;
    }
    log.info(
        "event=fleet-started hosts="
            + members.size()
            + " bootTime="
            + bootTime
            + " driver=simulated");
    return fleet;
  }

  /** The agent's settings as its documented environment variables (node-agent/README.md). */
  private static Map<String, String> environment(
      Member member, HostCapacity capacity, long bootMillis, Path data) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VENEER_CONTROL_PLANE", member.controlPlane());
    // The harness's control planes listen on loopback in clear (ControlPlaneProcess).
    env.put("VENEER_TLS", "false");
    env.put("VENEER_HOST_ID", member.hostId());
    env.put("VENEER_AGENT_TOKEN", member.agentToken());
    env.put("VENEER_DATA_DIR", data.toString());
    env.put("VENEER_DRIVER", "simulated");
    env.put("VENEER_VCPUS", String.valueOf(capacity.vcpus()));
    env.put("VENEER_MEMORY_MIB", String.valueOf(capacity.memoryMib()));
    env.put("VENEER_DISK_GIB", String.valueOf(capacity.diskGib()));
    env.put("VENEER_SIMULATED_START_MS", String.valueOf(bootMillis));
    env.put("VENEER_SIMULATED_STOP_MS", "200");
    env.put("VENEER_STOP_GRACE_SECONDS", "1");
    return env;
  }

  public int size() {
    return agents.size();
  }

  /** Stops every agent at once: each waits for its loop's last pass. */
  @Override
  public void close() {
    // A stream cut while its agent's loop shuts down is reported by gRPC as a rejected callback,
    // once per agent: expected here, and nothing to act on.
    GRPC_LOGS.setLevel(Level.OFF);
    try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
      for (NodeAgent agent : agents) {
        closing.execute(agent::close);
      }
    }
  }
}
