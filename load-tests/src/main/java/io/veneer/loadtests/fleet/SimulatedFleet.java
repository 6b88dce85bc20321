package io.veneer.loadtests.fleet;

import io.veneer.agent.AgentSettings;
import io.veneer.agent.NodeAgent;
import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.loadtests.history.History;
import io.veneer.testsupport.kafka.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Many hosts in one JVM, each the real node agent ({@link NodeAgent}: its own gRPC stream and agent
 * token, its converger, heartbeats and reconnects) on the simulated driver. Each agent's loop is a
 * virtual thread and the gRPC channels share Netty's default event loop, so a thousand agents run
 * on a handful of platform threads.
 *
 * <p>Each agent dials its replica through a link of its own (a loopback {@link TcpProxy}), which
 * the fault suite cuts (a partition) or points at another replica (the one left when a replica
 * dies); and each agent can die and start again. Every guest each driver starts and ends, and every
 * state each agent sees, goes into the fleet's one history.
 */
public final class SimulatedFleet implements AutoCloseable {

  private static final Logger log = Logger.getLogger(SimulatedFleet.class.getName());
  // Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level.
  private static final Logger AGENT_LOGS = Logger.getLogger("io.veneer.agent");
  private static final Logger GRPC_LOGS = Logger.getLogger("io.grpc.internal");

  /**
   * One host of the fleet: registered, with its agent token and the replica port its agent dials.
   */
  public record Member(String hostId, String agentToken, int gatewayPort) {}

  /** One host's agent, the link it dials through, and the driver it runs guests on. */
  private static final class Host {
    final Member member;
    final TcpProxy link;
    final long bootMillis;
    NodeAgent agent;
    RecordingHypervisor driver;

    Host(Member member, long bootMillis) {
      this.member = member;
      this.link = TcpProxy.onFreePort().forwardTo(member.gatewayPort());
      this.bootMillis = bootMillis;
    }
  }

  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final HostCapacity capacity;
  private final Path dataRoot;
  private final History history;
  private final Map<String, String> agentEnvironment;

  private SimulatedFleet(
      HostCapacity capacity, Path dataRoot, History history, Map<String, String> agentEnvironment) {
    this.agentEnvironment = agentEnvironment;
    this.capacity = capacity;
    this.dataRoot = dataRoot;
    this.history = history;
  }

  /**
   * Starts one agent per member.
   *
   * @param dataRoot each agent's data directory is {@code <dataRoot>/<hostId>}
   * @param seed draws each host's boot time from {@code bootTime}, repeatably
   * @param history where every driver's guests and every agent's observations are written
   * @param agentEnvironment agent settings beside the fleet's (node-agent/README.md)
   */
  public static SimulatedFleet start(
      List<Member> members,
      HostCapacity capacity,
      BootTime bootTime,
      GoldenBlob golden,
      Path dataRoot,
      long seed,
      History history,
      Map<String, String> agentEnvironment)
      throws IOException {
    // One line per agent event would be thousands of lines: the fleet reports only trouble.
    AGENT_LOGS.setLevel(Level.WARNING);
    Random random = new Random(seed);
    SimulatedFleet fleet = new SimulatedFleet(capacity, dataRoot, history, agentEnvironment);
    try {
      for (Member member : members) {
        golden.seed(dataRoot.resolve(member.hostId()));
        Host host = new Host(member, bootTime.draw(random).toMillis());
        fleet.hosts.put(member.hostId(), host);
        host.link.restore();
        fleet.startAgent(host);
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

  private void startAgent(Host host) throws IOException {
    Map<String, String> env =
        environment(
            host.member,
            host.link.port(),
            capacity,
            host.bootMillis,
            dataRoot.resolve(host.member.hostId()));
    env.putAll(agentEnvironment);
    AgentSettings settings = AgentSettings.fromEnvironment(env);
    host.driver =
        new RecordingHypervisor(
            host.member.hostId(),
            new SimulatedHypervisor(
                Clock.systemUTC(), settings.simulatedStartDelay(), settings.simulatedStopDelay()),
            history);
    host.agent =
        new NodeAgent(
            settings, host.driver, Thread.ofVirtual().name("agent-" + host.member.hostId()));
    host.agent.start();
  }

  /** The agent's settings as its documented environment variables (node-agent/README.md). */
  private static Map<String, String> environment(
      Member member, int linkPort, HostCapacity capacity, long bootMillis, Path data) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VENEER_CONTROL_PLANE", "127.0.0.1:" + linkPort);
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
    return hosts.size();
  }

  /** Every host's id, in the order the fleet started them. */
  public List<String> hostIds() {
    return List.copyOf(hosts.keySet());
  }

  /**
   * The agents die at once, as a SIGKILL kills them: their links cut first, so the control plane
   * hears no goodbye, only a broken stream; their guests, which the simulated driver keeps in the
   * agent's memory, end with them.
   */
  public void kill(Collection<String> hostIds) {
    each(hostIds, host -> host.link.cut());
    each(
        hostIds,
        host -> {
          host.agent.close();
          host.driver.agentDied();
        });
  }

  /** Starts the agents again, as a service manager restarts a killed agent: empty hosts. */
  public void restart(Collection<String> hostIds) {
    each(
        hostIds,
        host -> {
          host.link.restore();
          try {
            startAgent(host);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Cuts the hosts off the control plane: their streams break and no new one gets through. */
  public void partition(Collection<String> hostIds) {
    each(hostIds, host -> host.link.cut());
  }

  /** Lets the hosts reach the control plane again. */
  public void heal(Collection<String> hostIds) {
    each(hostIds, host -> host.link.restore());
  }

  /** The host's driver hangs on every stop from now on (fault 8), until {@link #releaseStops}. */
  public void hangStops(String hostId) {
    host(hostId).driver.hangStops();
  }

  /** The host's hanging stops return, and its stops no longer hang. */
  public void releaseStops(String hostId) {
    host(hostId).driver.releaseStops();
  }

  private Host host(String hostId) {
    Host host = hosts.get(hostId);
    if (host == null) {
      throw new IllegalArgumentException("No host " + hostId + " in the fleet");
    }
    return host;
  }

  /**
   * The agents that dialed {@code fromPort} dial {@code toPort} from their next connection on, as a
   * load balancer sends them to the replica left.
   *
   * @return those hosts
   */
  public List<String> redirect(int fromPort, int toPort) {
    List<String> moved = new ArrayList<>();
    for (Host host : hosts.values()) {
      if (host.link.targetPort() == fromPort) {
        host.link.forwardTo(toPort);
        moved.add(host.member.hostId());
      }
    }
    return moved;
  }

  private void each(Collection<String> hostIds, Consumer<Host> action) {
    try (ExecutorService work = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String id : hostIds) {
        Host host = host(id);
        work.execute(() -> action.accept(host));
      }
    }
  }

  /** Stops every agent at once: each waits for its loop's last pass. */
  @Override
  public void close() {
    // A stream cut while its agent's loop shuts down is reported by gRPC as a rejected callback,
    // once per agent: expected here, and nothing to act on.
    GRPC_LOGS.setLevel(Level.OFF);
    each(
        hosts.keySet(),
        host -> {
          if (host.agent != null) {
            host.driver.releaseStops();
            host.agent.close();
          }
          host.link.close();
        });
  }
}
