package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a guest does delays the agent: while one desktop's stop hangs for a minute, the control
 * plane keeps hearing from the host at the interval it asked for, the host's other desktops start
 * and stop as asked, and the hung desktop is reported FAILED, saying why, once its stop has run
 * past {@code VENEER_STUCK_AFTER_SECONDS}; STOPPED once the stop returns.
 */
class SlowGuestTest {

  private static final Duration HANG = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(20);
  // FakeControlPlane asks for a heartbeat a second; the control plane's default grace is three
  // intervals (30 s for 10 s) before a silent host turns UNREACHABLE.
  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration GRACE = HEARTBEAT_INTERVAL.multipliedBy(3);
  private static final Duration STUCK_AFTER = Duration.ofSeconds(3);

  @TempDir Path data;
  private FakeControlPlane controlPlane;
  private NodeAgent agent;
  private HangingStops driver;
  private Desktops desktops;

  @BeforeEach
  void start() throws Exception {
    controlPlane = new FakeControlPlane();
    AgentSettings settings =
        AgentSettings.fromEnvironment(
            Map.of(
                "VENEER_CONTROL_PLANE",
                controlPlane.address(),
                "VENEER_TLS_CA",
                FakeControlPlane.CA.caCertificate().toString(),
                "VENEER_HOST_ID",
                "host-slow",
                "VENEER_DATA_DIR",
                data.toString(),
                "VENEER_DRIVER",
                "simulated",
                "VENEER_STOP_GRACE_SECONDS",
                "1",
                "VENEER_STUCK_AFTER_SECONDS",
                String.valueOf(STUCK_AFTER.toSeconds())));
    driver =
        new HangingStops(
            new SimulatedHypervisor(
                Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(20)));
    agent = new NodeAgent(settings, driver);
    desktops = new Desktops(agent.images(), TinyGoldenFiles.fake(data));
    agent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
    controlPlane.close();
  }

  @Test
  void aStopHangingForAMinuteDelaysNeitherHeartbeatsNorTheHostsOtherDesktops() throws Exception {
    controlPlane.awaitHello();
    controlPlane.sendDesiredSet(
        desktops.running("desk-stuck").build(), desktops.running("desk-a").build());
    controlPlane.awaitStatus("desk-stuck", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("desk-a", ObservedState.OBSERVED_STATE_RUNNING, WAIT);

    driver.hangStopsOf("desk-stuck", HANG);
    controlPlane.upsert(stopped(desktops.running("desk-stuck"), 2));
    controlPlane.await(() -> driver.stopHanging("desk-stuck"), "the hanging stop", WAIT);
    long hangStarted = System.nanoTime();
    int heartbeatsBefore = controlPlane.heartbeats();

    controlPlane.upsert(desktops.running("desk-b").build());
    controlPlane.awaitStatus("desk-b", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.upsert(stopped(desktops.running("desk-a"), 2));
    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("desk-a")
                && s.getSpecGeneration() == 2
                && s.getState() == ObservedState.OBSERVED_STATE_STOPPED,
        "desk-a stopped",
        WAIT);
    controlPlane.upsert(desktops.running("desk-a").setSpecGeneration(3).build());
    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("desk-a")
                && s.getSpecGeneration() == 3
                && s.getState() == ObservedState.OBSERVED_STATE_RUNNING,
        "desk-a running again",
        WAIT);
    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("desk-stuck")
                && s.getSpecGeneration() == 2
                && s.getState() == ObservedState.OBSERVED_STATE_FAILED
                && s.getFailureReason().contains("has not answered for this desktop since"),
        "desk-stuck reported FAILED past " + STUCK_AFTER + ", saying why",
        WAIT);
    assertThat(driver.stopHanging("desk-stuck"))
        .as("the other desktops started and stopped while the stop still hung")
        .isTrue();

    controlPlane.awaitStatus(
        s ->
            s.getDesktopId().equals("desk-stuck")
                && s.getSpecGeneration() == 2
                && s.getState() == ObservedState.OBSERVED_STATE_STOPPED,
        "desk-stuck stopped once its stop returned",
        HANG.plus(WAIT));
    long hangEnded = System.nanoTime();

    List<Long> during = new ArrayList<>();
    during.add(hangStarted);
    controlPlane.heartbeatTimes.stream()
        .skip(heartbeatsBefore)
        .filter(at -> at <= hangEnded)
        .forEach(during::add);
    during.add(hangEnded);
    assertThat(Duration.ofNanos(hangEnded - hangStarted))
        .isGreaterThanOrEqualTo(HANG.minusSeconds(1));
    assertThat(during.size() - 2)
        .as("heartbeats during the hang, one a second")
        .isGreaterThanOrEqualTo((int) (HANG.toSeconds() * 0.8));
    for (int i = 1; i < during.size(); i++) {
      assertThat(Duration.ofNanos(during.get(i) - during.get(i - 1)))
          .as("silence before heartbeat %d of the hang: the host would turn UNREACHABLE", i)
          .isLessThan(GRACE);
    }
  }

  private static DesiredDesktop stopped(DesiredDesktop.Builder desktop, long generation) {
    return desktop
        .setSpecGeneration(generation)
        .setPowerState(PowerState.POWER_STATE_STOPPED)
        .build();
  }
}
