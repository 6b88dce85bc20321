package io.veneer.controlplane.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.api.grpc.ApiGrpcServer;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code veneer} CLI against the real control plane (REST and gRPC) with a node agent that
 * follows what it is told: an admin creates a pool from YAML, a user requests a desktop and watches
 * it turn RUNNING, an admin drains its host (and orders it about, as the audit log shows), the user
 * opens its console and logs off; JSON and YAML output parsed, failures as exit codes and words.
 */
class CliTest extends ControlPlaneSpringTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Autowired HostService hosts;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer agentGateway;
  @Autowired ApiGrpcServer grpcApi;
  @Autowired JdbcTemplate jdbc;
  @TempDir Path dir;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String host = "cli-host-" + run;
  private final String alice = "alice-" + run;
  private final String adminToken = TestTokens.admin("admin-" + run);
  private final String aliceToken = TestTokens.user(alice);
  private FollowingAgent agent;

  @BeforeEach
  void aHostWithAnAgentThatFollows() {
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_000), Map.of(), ""));
    agent = new FollowingAgent(agentGateway.port(), host, credentials.issue(host)).connect();
  }

  @AfterEach
  void disconnect() {
    agent.close();
  }

  @Test
  void anAdminCreatesAPoolFromYamlAUserGetsADesktopAndWatchesItRunAnAdminDrainsTheHost()
      throws Exception {
    Path poolFile =
        Files.writeString(
            dir.resolve("pool.yaml"),
            """
            name: cli-%s
            kind: POOLED
            goldenImage: tiny
            goldenVersion: v1
            goldenDigest: %s
            size: {vcpus: 1, memoryMib: 1024, diskGib: 10}
            minSize: 0
            maxSize: 2
            warmSpares: 0
            maxConcurrentRefresh: 1
            entitledUsers: [%s]
            """
                .formatted(run, AgentMessages.GOLDEN_DIGEST, alice));

    CliRun created = veneer(adminToken, "pools", "create", "-f", poolFile.toString(), "-o", "json");
    assertThat(created.exit()).as(created.err()).isZero();
    String pool = json(created).get("id").asString();
    assertThat(json(created).get("spec").get("name").asString()).isEqualTo("cli-" + run);

    CliRun listed = veneer(aliceToken, "pools", "list", "-o", "json");
    assertThat(json(listed).findValuesAsString("id")).contains(pool);

    CompletableFuture<CliRun> watch =
        CompletableFuture.supplyAsync(
            () ->
                veneer(
                    aliceToken,
                    "desktops",
                    "watch",
                    "--pool",
                    pool,
                    "--until",
                    "RUNNING",
                    "--timeout",
                    "60"));
    CliRun requested = veneer(aliceToken, "desktops", "request", "cli-" + run, "-o", "json");
    assertThat(requested.exit()).as(requested.err()).isZero();
    String desktop = json(requested).get("id").asString();

    CliRun watched = watch.get(90, TimeUnit.SECONDS);
    assertThat(watched.exit()).as(watched.err()).isZero();
    assertThat(watched.out()).contains(desktop + " RUNNING host=" + host);

    CliRun drained = veneer(adminToken, "hosts", "drain", host, "-o", "json");
    assertThat(drained.exit()).as(drained.err()).isZero();
    assertThat(json(drained).get("state").asString()).isEqualTo("DRAINING");
    assertThat(veneer(adminToken, "hosts", "list", "-o", "yaml").out())
        .contains("id: \"" + host + "\"", "state: \"DRAINING\"");
    for (String order : List.of("resume", "maintenance", "resume")) {
      CliRun ordered = veneer(adminToken, "hosts", order, host, "-o", "json");
      assertThat(ordered.exit()).as(order + ": " + ordered.err()).isZero();
    }
    CliRun audit = veneer(adminToken, "audit", "--object-id", host, "-o", "json");
    assertThat(json(audit).findValuesAsString("action"))
        .containsSubsequence("host.up", "host.maintenance", "host.up", "host.draining");

    CliRun console =
        veneer(aliceToken, "desktops", "console", desktop, "--portal", "https://portal.test/");
    assertThat(console.exit()).as(console.err()).isZero();
    assertThat(console.out().strip())
        .isEqualTo("https://portal.test/desktops/" + desktop + "/console");
    CliRun loggedOff = veneer(aliceToken, "desktops", "logoff", desktop, "-o", "json");
    assertThat(loggedOff.exit()).as(loggedOff.err()).isZero();
    assertThat(json(loggedOff).get("id").asString()).isEqualTo(desktop);
  }

  @Test
  void refusalsAreExitCodesAndWordsThatSayWhatToDo() {
    CliRun forbidden = veneer(aliceToken, "hosts", "drain", host);
    assertThat(forbidden.exit()).isEqualTo(4);
    assertThat(forbidden.err()).startsWith("Draining " + host + ": ").contains("What to do:");

    CliRun unknown = veneer(aliceToken, "desktops", "request", "no-such-pool-" + run);
    assertThat(unknown.exit()).isEqualTo(5);
    assertThat(unknown.err()).contains("No pool named no-such-pool-" + run);

    CliRun expired = veneer(TestTokens.expiredAdmin("admin-" + run), "pools", "list");
    assertThat(expired.exit()).isEqualTo(3);

    CliRun expiredWatch =
        veneer(TestTokens.expiredAdmin("admin-" + run), "desktops", "watch", "--timeout", "10");
    assertThat(expiredWatch.exit()).isEqualTo(3);
    assertThat(expiredWatch.err()).contains("UNAUTHENTICATED");
  }

  private CliRun veneer(String token, String... command) {
    return CliRun.of(
        List.of(
            "--control-plane",
            "http://127.0.0.1:" + port,
            "--grpc",
            "127.0.0.1:" + grpcApi.port(),
            "--grpc-ca",
            TestTls.CA.caCertificate().toString(),
            "--config-dir",
            dir.resolve("config").toString(),
            "--token",
            token),
        command);
  }

  private static JsonNode json(CliRun run) {
    return JSON.readTree(run.out());
  }
}
