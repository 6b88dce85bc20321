package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.agent.v1.ObservedState;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * One desktop request is one trace: the caller's W3C traceparent is taken up by the request, kept
 * with the desktop, sent to its agent in the desired set, and logged again when the agent's report
 * moves the desktop, all under the caller's trace id.
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestTraceTest extends ControlPlaneSpringTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopRepository desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void theCallersTraceReachesTheAgentAndEveryLogLineOfTheRequest(CapturedOutput logs)
      throws Exception {
    String host = "trace-host-" + run;
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    String alice = "alice-" + run;
    UUID pool = pool(alice);

    String desktopId =
        request(pool, TestTokens.user(alice), "00-" + TRACE_ID + "-00f067aa0ba902b7-01");

    // This test's host, or another test class's: whichever it is, this test plays its agent.
    String placedOn =
        desktops.findById(UUID.fromString(desktopId)).orElseThrow().hostId().orElseThrow();
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(placedOn))) {
      agent.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(placedOn)).build());
      DesiredDesktop desired =
          agent.next().getDesiredSet().getDesktopsList().stream()
              .filter(d -> d.getDesktopId().equals(desktopId))
              .findFirst()
              .orElseThrow();
      assertThat(desired.getTraceParent())
          .as("the request's own span, in the caller's trace")
          .matches("00-" + TRACE_ID + "-[0-9a-f]{16}-01")
          .isNotEqualTo("00-" + TRACE_ID + "-00f067aa0ba902b7-01");

      agent.send(
          AgentMessage.newBuilder()
              .setStatus(
                  AgentMessages.status(
                      desktopId, desired.getSpecGeneration(), ObservedState.OBSERVED_STATE_RUNNING))
              .build());
      agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  desktops.findById(UUID.fromString(desktopId)).orElseThrow().state()
                      == DesktopState.RUNNING);
    }

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(logs.getAll().lines())
                    .anySatisfy(
                        line ->
                            assertThat(line)
                                .contains("event=desktop.requested desktop=" + desktopId)
                                .contains(TRACE_ID))
                    .anySatisfy(
                        line ->
                            assertThat(line)
                                .contains("event=desktop.observed desktop=" + desktopId)
                                .contains("state=RUNNING trace=" + TRACE_ID)));
  }

  @Test
  void aRequestWithoutATraceStartsOneOfItsOwn() throws Exception {
    String alice = "alice-untraced-" + run;
    UUID pool = pool(alice);

    String desktopId = request(pool, TestTokens.user(alice), null);

    assertThat(desktops.findById(UUID.fromString(desktopId)).orElseThrow().traceParent())
        .hasValueSatisfying(trace -> assertThat(trace.traceId()).isNotEqualTo(TRACE_ID));
  }

  private UUID pool(String user) {
    return pools
        .create(
            Caller.admin("admin"),
            new PoolSpec(
                "trace-" + user,
                PoolKind.POOLED,
                "win11",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 512, 10),
                0,
                10,
                0,
                1,
                Set.of(user),
                Set.of()),
            null)
        .id();
  }

  private String request(UUID pool, String token, String traceParent) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/desktops"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"poolId\":\"" + pool + "\"}"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token);
    if (traceParent != null) {
      request.header("traceparent", traceParent);
    }
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return JsonMapper.builder().build().readTree(response.body()).path("id").asString();
  }
}
