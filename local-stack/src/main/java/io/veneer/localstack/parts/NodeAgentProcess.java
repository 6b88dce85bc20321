package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.ChildProcess;
import io.veneer.localstack.process.JavaCommand;
import io.veneer.localstack.process.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One node agent as its own process, configured through its environment (see {@code
 * AgentSettings}), with a data directory of its own: its guests' disks, consoles and pid files, and
 * its image cache.
 *
 * @param hostId the host it registers as
 * @param jar {@code node-agent/target/node-agent.jar}
 * @param environment its {@code VENEER_*} settings
 */
public record NodeAgentProcess(String hostId, Path jar, Map<String, String> environment) {

  /**
   * The flags hosts run the agent with (node-agent/bench/README.md): they keep it under its memory
   * goal.
   */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms16m",
          "-Xmx48m",
          "-Xss512k",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:ReservedCodeCacheSize=24m",
          "-XX:MaxMetaspaceSize=64m",
          "-XX:MaxDirectMemorySize=32m",
          "-Dio.grpc.netty.shaded.io.netty.allocator.type=unpooled",
          "--enable-native-access=ALL-UNNAMED");

  public NodeAgentProcess {
    environment = Map.copyOf(environment);
  }

  public ChildProcess start(ProcessLauncher launcher, JavaCommand java, Path log)
      throws StartupFailure, IOException {
    if (!Files.isRegularFile(jar)) {
      throw new StartupFailure(
          "agent " + hostId,
          "the node agent jar " + jar + " is missing",
          "build it: ./mvnw -B -q -DskipTests -pl node-agent -am package");
    }
    return launcher.start(
        "agent-" + hostId,
        java.jar("agent-" + hostId, jar, JVM_OPTIONS, List.of()),
        environment,
        log);
  }
}
