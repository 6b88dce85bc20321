package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.Hello;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as its own process with real QEMU guests: killed with SIGKILL and started again, it
 * re-adopts the running guests from their pidfiles and QMP instead of starting second ones.
 *
 * <p>The agent runs from the test's class path rather than the shaded jar: in {@code mvn verify}
 * tests run before {@code package}, so the jar would be the previous build's.
 */
@NeedsHost(HostTool.QEMU)
class AgentRestartTest {

  private static final Duration WAIT = Duration.ofSeconds(90);

  /** The small-footprint flags the README recommends for hosts. */
  private static final List<String> AGENT_JVM_FLAGS =
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

  @TempDir Path data;
  private FakeControlPlane controlPlane;
  private Process agent;

  @AfterEach
  void cleanUp() throws Exception {
    if (agent != null) {
      agent.destroyForcibly().waitFor();
    }
    for (ProcessHandle guest : guests().values().stream().flatMap(List::stream).toList()) {
      guest.destroyForcibly();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aKilledAgentReadoptsItsRunningGuestsWithoutStartingSecondOnes() throws Exception {
    controlPlane = new FakeControlPlane();
    Desktops desktops =
        new Desktops(
            new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly("")), TinyGolden.get());
    agent = startAgent("first");
    controlPlane.awaitHello();
    controlPlane.sendDesiredSet(
        desktops.running("keep-1").build(), desktops.running("keep-2").build());
    controlPlane.awaitStatus("keep-1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("keep-2", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    Map<String, List<Long>> before = guestPids();
    assertThat(before)
        .containsOnlyKeys("keep-1", "keep-2")
        .allSatisfy((id, p) -> assertThat(p).hasSize(1));

    agent.destroyForcibly().waitFor();
    assertThat(guestPids()).as("the guests outlive their agent").isEqualTo(before);
    controlPlane.statuses.clear();
    agent = startAgent("second");
    Hello hello = controlPlane.awaitHello();
    controlPlane.sendDesiredSet(
        desktops.running("keep-1").build(), desktops.running("keep-2").build());
    controlPlane.awaitStatus("keep-1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("keep-2", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    int heartbeats = controlPlane.heartbeats();
    controlPlane.await(
        () -> controlPlane.heartbeats() >= heartbeats + 2, "two more heartbeats", WAIT);

    assertThat(hello.getInventoryList())
        .extracting(DesktopStatus::getDesktopId, DesktopStatus::getState)
        .containsExactlyInAnyOrder(
            tuple("keep-1", ObservedState.OBSERVED_STATE_RUNNING),
            tuple("keep-2", ObservedState.OBSERVED_STATE_RUNNING));
    assertThat(guestPids())
        .as("exactly one QEMU per desktop: the same processes as before the kill")
        .isEqualTo(before);

    controlPlane.upsert(
        desktops
            .running("keep-2")
            .setSpecGeneration(2)
            .setPowerState(PowerState.POWER_STATE_STOPPED)
            .build());
    controlPlane.awaitStatus("keep-2", ObservedState.OBSERVED_STATE_STOPPED, WAIT);
    assertThat(guestPids())
        .as("the new agent controls the adopted guests")
        .isEqualTo(Map.of("keep-1", before.get("keep-1")));
  }

  private Process startAgent(String name) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(AGENT_JVM_FLAGS);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), NodeAgentMain.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("agent-" + name + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.putAll(controlPlane.dialSettings());
    env.put("VENEER_HOST_ID", "host-restart");
    env.put("VENEER_DATA_DIR", data.toString());
    env.put("VENEER_DRIVER", "qemu");
    env.put("VENEER_STOP_GRACE_SECONDS", "1");
    return builder.start();
  }

  /** Pids of the QEMU processes of each desktop, read from /proc: never more than one each. */
  private Map<String, List<Long>> guestPids() {
    return guests().entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue().stream().map(ProcessHandle::pid).sorted().toList()));
  }

  /** This test's live QEMU processes by desktop (QEMU is started with -name veneer-<desktop>). */
  private Map<String, List<ProcessHandle>> guests() {
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").contains("qemu-system"))
        .filter(p -> arguments(p).contains(data.toString()))
        .collect(Collectors.groupingBy(AgentRestartTest::desktopOf));
  }

  private static String desktopOf(ProcessHandle qemu) {
    List<String> args = List.of(qemu.info().arguments().orElse(new String[0]));
    int name = args.indexOf("-name");
    return name >= 0 && name + 1 < args.size()
        ? args.get(name + 1).replaceFirst("^veneer-", "")
        : "?";
  }

  private static String arguments(ProcessHandle process) {
    return String.join(" ", process.info().arguments().orElse(new String[0]));
  }
}
