package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import io.veneer.agent.v1.ObservedState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's health endpoint, as a DaemonSet's probes and a Prometheus scraper see it. */
class AgentHealthTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path data;
  private FakeControlPlane controlPlane;
  private NodeAgent agent;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    controlPlane = new FakeControlPlane();
    agent =
        new NodeAgent(
            AgentSettings.fromEnvironment(
                Map.of(
                    "VENEER_CONTROL_PLANE",
                    controlPlane.address(),
                    "VENEER_TLS_CA",
                    FakeControlPlane.CA.caCertificate().toString(),
                    "VENEER_HOST_ID",
                    "host-health",
                    "VENEER_DATA_DIR",
                    data.toString(),
                    "VENEER_DRIVER",
                    "simulated",
                    "VENEER_HEALTH_LISTEN",
                    "127.0.0.1:0")),
            new SimulatedHypervisor(
                Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(20)));
    agent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
    controlPlane.close();
  }

  @Test
  void readyOnceTheControlPlaneAnswersLiveWhileTheLoopRunsAndCountsItsDesktops() throws Exception {
    controlPlane.awaitHello();
    assertThat(get("/livez").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode())
        .as("no answer from the control plane yet")
        .isEqualTo(503);

    Desktops desktops = new Desktops(agent.images(), TinyGoldenFiles.fake(data));
    controlPlane.sendDesiredSet(desktops.running("d1").build(), desktops.running("d2").build());
    controlPlane.awaitStatus("d1", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.awaitStatus("d2", ObservedState.OBSERVED_STATE_RUNNING, WAIT);
    controlPlane.await(() -> controlPlane.heartbeats() > 0, "a heartbeat", WAIT);

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    controlPlane.await(
        () -> body("/metrics").contains("veneer_agent_desktops{state=\"running\"} 2\n"),
        "two running desktops in the metrics",
        WAIT);
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body()).contains("veneer_agent_stream_connected 1.0");

    controlPlane.dropStream();
    controlPlane.await(
        () -> get("/readyz").statusCode() == 503, "not ready once the stream is lost", WAIT);
    assertThat(get("/livez").statusCode()).as("still live: it keeps converging").isEqualTo(200);
  }

  private String body(String path) {
    return get(path).body();
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + agent.healthPort().orElseThrow() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }
}
