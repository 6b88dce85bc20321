package io.veneer.loadtests.stack;

import io.veneer.loadtests.fleet.BootTime;
import io.veneer.loadtests.fleet.HostCapacity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One storm's shape, from system properties ({@code -Dstorm.hosts=1000} ...; load-tests/README.md
 * lists them with their defaults).
 *
 * @param hosts simulated hosts, each a real node agent
 * @param replicas control-plane processes sharing the database; agents are spread over them
 * @param capacity what each host offers
 * @param desktopVcpus the pool's desktop size in vCPUs (memory and disk follow {@code desktopSize})
 * @param bootTime simulated start of a guest to RUNNING
 * @param prefill desktops requested (and awaited RUNNING) before the load starts
 * @param users desktop requests of the storm, one person each
 * @param duration over which the storm's users arrive
 * @param runningTimeout how long after the load every acknowledged desktop may take to be RUNNING
 * @param controlPlaneJar the control plane's executable jar
 * @param controlPlaneJvm the replicas' JVM options
 * @param target where logs, agent data, the history and the report go
 * @param controlPlaneSettings the replicas' own settings beside the stack's (e.g. {@code
 *     veneer.agents.heartbeat-grace-seconds} for a partition test)
 * @param agentEnvironment the agents' own settings beside the fleet's, as their environment
 *     variables (e.g. {@code VENEER_HEARTBEAT_SECONDS})
 * @param faultableServices whether the stack's PostgreSQL and Kafka are its own, which faults stop
 *     and start again (test-support's {@code RestartablePostgres}) or cut off and restore ({@code
 *     InterruptibleKafka}, every client through its proxy), rather than the shared ones (slower to
 *     start)
 */
public record StormSettings(
    int hosts,
    int replicas,
    HostCapacity capacity,
    Map<String, Long> desktopSize,
    BootTime bootTime,
    int prefill,
    int users,
    Duration duration,
    Duration runningTimeout,
    Path controlPlaneJar,
    List<String> controlPlaneJvm,
    Path target,
    Map<String, String> controlPlaneSettings,
    Map<String, String> agentEnvironment,
    boolean faultableServices) {

  public StormSettings {
    if (hosts < 1 || replicas < 1 || users < 0 || prefill < 0) {
      throw new IllegalArgumentException(
          "A storm needs at least one host and one replica, and no negative counts");
    }
    controlPlaneSettings = Map.copyOf(controlPlaneSettings);
    agentEnvironment = Map.copyOf(agentEnvironment);
  }

  public static StormSettings fromSystemProperties() {
    Path target = Path.of(System.getProperty("veneer.loadtests.target", "target"));
    return new StormSettings(
        Integer.getInteger("storm.hosts", 100),
        Integer.getInteger("storm.replicas", 2),
        HostCapacity.LARGE,
        Map.of("vcpus", 2L, "memoryMib", 4096L, "diskGib", 20L),
        BootTime.parse(System.getProperty("storm.boot", "0")),
        Integer.getInteger("storm.prefill", 0),
        Integer.getInteger("storm.users", 1000),
        Duration.ofSeconds(Integer.getInteger("storm.seconds", 60)),
        Duration.ofSeconds(Integer.getInteger("storm.running-timeout", 120)),
        jarFromMaven(),
        List.of(
            System.getProperty("storm.control-plane-jvm", "-Xmx512m -XX:+UseSerialGC").split(" ")),
        target,
        Map.of(),
        Map.of(),
        false);
  }

  /** Where Maven put the jar ({@code veneer.control-plane.jar}, set by the module's pom). */
  public static Path jarFromMaven() {
    String jar = System.getProperty("veneer.control-plane.jar");
    if (jar == null || jar.isBlank()) {
      throw new IllegalStateException(
          "Set -Dveneer.control-plane.jar to the control plane's jar (the load-tests pom does)");
    }
    return Path.of(jar);
  }
}
