package io.veneer.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.api.rest.RestClientForTests;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A console ticket opens one running desktop's display, once, for the user it was issued to. */
class ConsoleTicketsTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String alice = "alice-" + run;
  private final String aliceToken = TestTokens.user(alice);
  private final String bobToken = TestTokens.user("bob-" + run);
  private final String host = "console-host-" + run;
  private FollowingAgent agent;
  private RestClientForTests rest;
  private UUID desktop;

  @BeforeEach
  void aliceHasARunningDesktop() throws Exception {
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_000), Map.of(), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).connect();
    rest = new RestClientForTests(port);
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "console-" + run,
                    PoolKind.POOLED,
                    "tiny",
                    "v1",
                    AgentMessages.GOLDEN_DIGEST,
                    new Resources(1, 1024, 10),
                    0,
                    3,
                    0,
                    1,
                    Set.of(alice, "bob-" + run),
                    Set.of()),
                null)
            .id();
    desktop =
        desktops
            .create(Caller.user(alice), new DesktopService.CreateDesktop(pool, null), null)
            .id();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (desktops.get(Caller.user(alice), desktop).state() != DesktopState.RUNNING) {
      assertThat(Instant.now()).as("alice's desktop RUNNING in time").isBefore(deadline);
      Thread.sleep(50);
    }
  }

  @AfterEach
  void disconnect() {
    agent.close();
  }

  private String ticketFor(String token) {
    RestClientForTests.Response issued =
        rest.post("/api/v1/desktops/" + desktop + "/console-tickets", token, "");
    assertThat(issued.status()).isEqualTo(201);
    return issued.body().get("ticket").asString();
  }

  private RestClientForTests.Response redeem(String token, String ticket) {
    return rest.post("/api/v1/console-tickets/redeem", token, "{\"ticket\":\"" + ticket + "\"}");
  }

  @Test
  void theOwnersTicketOpensTheDisplayTheAgentReportedOnce() {
    String ticket = ticketFor(aliceToken);

    RestClientForTests.Response opened = redeem(aliceToken, ticket);

    assertThat(opened.status()).isEqualTo(200);
    var expected = FollowingAgent.consoleOf(desktop.toString());
    assertThat(opened.body().get("hostId").asString()).isEqualTo(host);
    assertThat(opened.body().get("port").asInt()).isEqualTo(expected.getPort());
    assertThat(opened.body().get("password").asString()).isEqualTo(expected.getPassword());
    assertThat(redeem(aliceToken, ticket).status()).as("used once").isEqualTo(403);
  }

  @Test
  void anotherUserCannotRedeemATicketAndBurnsIt() {
    String ticket = ticketFor(aliceToken);

    RestClientForTests.Response stolen = redeem(bobToken, ticket);

    assertThat(stolen.status()).isEqualTo(403);
    assertThat(stolen.contentType()).startsWith("application/problem+json");
    assertThat(stolen.body().toString()).doesNotContain("pw-");
    assertThat(redeem(aliceToken, ticket).status()).isEqualTo(403);
  }

  @Test
  void anotherUserCannotGetATicketForTheDesktop() {
    assertThat(rest.post("/api/v1/desktops/" + desktop + "/console-tickets", bobToken, "").status())
        .isEqualTo(404);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "handed to someone else | owner = 'someone-else', os_disk_generation = os_disk_generation + 1",
        "refreshed after a logoff, then alice's again | os_disk_generation = os_disk_generation + 1",
        "a warm spare again    | owner = NULL"
      })
  void aTicketIsRefusedOnceTheDesktopWasHandedOnSinceItWasIssued(String what, String handover) {
    String ticket = ticketFor(aliceToken);
    jdbc.update("UPDATE desktop SET " + handover + " WHERE id = ?", desktop);
    assertThat(jdbc.queryForObject("SELECT state FROM desktop WHERE id = ?", String.class, desktop))
        .as("still running: only the hand-over refuses it")
        .isEqualTo("RUNNING");

    assertThat(redeem(aliceToken, ticket).status()).isEqualTo(403);
  }

  @Test
  void anExpiredTicketIsRefused() {
    String ticket = ticketFor(aliceToken);
    jdbc.update(
        "UPDATE console_ticket SET expires_at = now() - interval '1 second' WHERE desktop_id = ?",
        desktop);

    assertThat(redeem(aliceToken, ticket).status()).isEqualTo(403);
  }

  @Test
  void aDesktopThatIsNotRunningHasNoConsoleToOpen() {
    desktops.stop(Caller.user(alice), desktop);

    RestClientForTests.Response refused =
        rest.post("/api/v1/desktops/" + desktop + "/console-tickets", aliceToken, "");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().get("detail").asString()).contains("start it");
  }
}
