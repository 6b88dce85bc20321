package io.veneer.controlplane.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.console.PemKeys;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
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

/**
 * A console ticket opens one running desktop's display, once, for the user it was issued to, and
 * only when the portal's console proxy redeems it; the display is dialled at its host's own
 * address.
 */
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
  private final String bob = "bob-" + run;
  private final String bobToken = TestTokens.user(bob);
  private final String proxyToken = TestTokens.consoleProxy();
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

  /** The console proxy redeems {@code ticket}, presented to it by {@code person}. */
  private RestClientForTests.Response redeem(String person, String ticket) {
    return redeemWith(proxyToken, person, ticket);
  }

  private RestClientForTests.Response redeemWith(String token, String person, String ticket) {
    return rest.post(
        "/api/v1/console-tickets/redeem",
        token,
        "{\"ticket\":\"" + ticket + "\",\"subject\":\"" + person + "\"}");
  }

  @Test
  void theOwnersTicketOpensTheDisplayThroughItsHostAgentsListenerWithASignedGrantOnce()
      throws Exception {
    String ticket = ticketFor(aliceToken);

    RestClientForTests.Response opened = redeem(alice, ticket);

    assertThat(opened.status()).isEqualTo(200);
    var reported = FollowingAgent.consoleOf(desktop.toString());
    assertThat(opened.body().get("hostId").asString()).isEqualTo(host);
    assertThat(opened.body().get("host").asString())
        .as("where the host's agent stream comes from, not the host the agent named")
        .isEqualTo("127.0.0.1");
    assertThat(opened.body().get("port").asInt())
        .as("the agent's console listener, from its Hello, not the display's port")
        .isEqualTo(FollowingAgent.CONSOLE_PORT);
    assertThat(opened.body().has("unixSocket")).as("nor the socket it named").isFalse();
    assertThat(opened.body().has("password")).as("no VNC password is kept").isFalse();
    assertThat(opened.body().toString())
        .doesNotContain(reported.getHost(), "someone-elses", reported.getPassword());
    ConsoleGrant grant =
        ConsoleGrant.verified(
            opened.body().get("grant").asString(),
            PemKeys.ed25519PublicKey(TestTls.CA.consoleGrantPublicKey()));
    assertThat(grant.desktopId()).isEqualTo(desktop);
    assertThat(grant.hostId()).isEqualTo(host);
    assertThat(grant.subject()).isEqualTo(alice);
    assertThat(grant.expiresAt()).isBetween(Instant.now(), Instant.now().plusSeconds(31));
    assertThat(
            jdbc.queryForList(
                "SELECT column_name FROM information_schema.columns"
                    + " WHERE table_name = 'desktop' AND column_name LIKE 'console%'",
                String.class))
        .as("the database keeps no display port nor password")
        .containsExactly("console_display");
    assertThat(redeem(alice, ticket).status()).as("used once").isEqualTo(403);
  }

  @Test
  void onlyThePortalsServiceCredentialMayRedeemAndOthersLearnNothingNorBurnTheTicket() {
    String ticket = ticketFor(aliceToken);

    for (String person : new String[] {aliceToken, TestTokens.admin("admin-" + run)}) {
      RestClientForTests.Response refused = redeemWith(person, alice, ticket);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.body().toString()).doesNotContain("pw-", "127.0.0.1");
    }

    assertThat(redeem(alice, ticket).status()).as("still unused").isEqualTo(200);
  }

  @Test
  void aTicketPresentedByAnotherPersonIsRefusedAndBurnt() {
    String ticket = ticketFor(aliceToken);

    RestClientForTests.Response stolen = redeem(bob, ticket);

    assertThat(stolen.status()).isEqualTo(403);
    assertThat(stolen.contentType()).startsWith("application/problem+json");
    assertThat(stolen.body().toString()).doesNotContain("pw-");
    assertThat(redeem(alice, ticket).status()).isEqualTo(403);
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

    assertThat(redeem(alice, ticket).status()).isEqualTo(403);
  }

  @Test
  void anExpiredTicketIsRefused() {
    String ticket = ticketFor(aliceToken);
    jdbc.update(
        "UPDATE console_ticket SET expires_at = now() - interval '1 second' WHERE desktop_id = ?",
        desktop);

    assertThat(redeem(alice, ticket).status()).isEqualTo(403);
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
