package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.api.rest.RestClientForTests;
import io.veneer.controlplane.api.rest.RestClientForTests.Response;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A dedicated desktop takes its pool's new golden version only when its owner asks, through REST,
 * and only while stopped; its agent ({@link FollowingAgent}) then gets a new OS disk generation.
 */
class DedicatedGoldenUpdateTest extends ControlPlaneSpringTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");
  private final Caller alice = Caller.user("alice-" + run);
  private final String alicesToken = TestTokens.user(alice.subject());
  private final String host = "golden-update-host-" + run;
  private FollowingAgent agent;
  private RestClientForTests rest;

  @BeforeEach
  void aHostWithItsAgentConnected() {
    // The database is shared with other test classes; their hosts are put aside.
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    hosts.register(new HostRegistration(host, new Resources(64, 262_144, 4_096), Map.of(), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).connect();
    rest = new RestClientForTests(port);
  }

  @AfterEach
  void disconnect() {
    agent.close();
  }

  private PoolSpec spec(PoolKind kind, String golden) {
    return new PoolSpec(
        kind.name().toLowerCase(Locale.ROOT) + "-update-" + run,
        kind,
        "tiny",
        golden,
        AgentMessages.GOLDEN_DIGEST,
        new Resources(1, 1024, 10),
        0,
        2,
        0,
        2,
        Set.of(alice.subject()),
        Set.of());
  }

  private DesktopView runningDesktopOf(PoolKind kind) throws InterruptedException {
    UUID pool = pools.create(admin, spec(kind, "v1"), null).id();
    DesktopView desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    await(
        PATIENCE,
        "running",
        () -> desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
    return desktop;
  }

  private Response update(UUID desktop) {
    return rest.post("/api/v1/desktops/" + desktop + "/golden-update", alicesToken, "");
  }

  @Test
  void aRollLeavesADedicatedDesktopAloneUntilItsStoppedOwnerAsksThenRebuildsItsOsDisk()
      throws Exception {
    DesktopView desktop = runningDesktopOf(PoolKind.DEDICATED);
    long disk = agent.osDiskGenerationOf(desktop.id().toString());

    pools.update(admin, desktop.poolId(), spec(PoolKind.DEDICATED, "v2"));
    // Passes of the pool controller come and go: the desktop stays on v1 and its disk.
    Thread.sleep(1_500);
    assertThat(desktops.get(alice, desktop.id()).goldenVersion()).isEqualTo("v1");
    assertThat(agent.osDiskGenerationOf(desktop.id().toString())).isEqualTo(disk);

    Response inUse = update(desktop.id());
    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.contentType()).contains("application/problem+json");
    assertThat(inUse.body().path("reason").asString()).isEqualTo("IN_USE");
    assertThat(inUse.body().path("detail").asString()).contains("stop it first");
    assertThat(desktops.get(alice, desktop.id()).goldenVersion())
        .as("a refusal changes nothing")
        .isEqualTo("v1");

    desktops.stop(alice, desktop.id());
    await(
        PATIENCE,
        "stopped",
        () -> desktops.get(alice, desktop.id()).state() == DesktopState.STOPPED);
    Response updated = update(desktop.id());

    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body().path("goldenVersion").asString()).isEqualTo("v2");
    assertThat(updated.body().path("osDiskGeneration").asLong()).isEqualTo(disk + 1);
    await(
        PATIENCE,
        "its agent has the new OS disk",
        () ->
            agent.osDiskGenerationOf(desktop.id().toString()) == disk + 1
                && !desktops.get(alice, desktop.id()).rebuilding());
    assertThat(desktops.get(alice, desktop.id()).state())
        .as("it stays stopped until its owner starts it")
        .isEqualTo(DesktopState.STOPPED);
    assertThat(update(desktop.id()).body().path("osDiskGeneration").asLong())
        .as("asking again changes nothing")
        .isEqualTo(disk + 1);
    assertThat(
            jdbc.queryForList(
                "SELECT event_type FROM outbox_event WHERE record_key = ? ORDER BY id",
                String.class,
                desktop.id().toString()))
        .containsOnlyOnce("io.veneer.desktop.golden-update");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM audit_entry WHERE action = 'desktop.golden-update'"
                    + " AND object_id = ?",
                Long.class,
                desktop.id().toString()))
        .isEqualTo(1);
  }

  @Test
  void aPooledDesktopIsRefusedWithItsReasonAndAnotherUsersDesktopIsNotFound() throws Exception {
    DesktopView pooled = runningDesktopOf(PoolKind.POOLED);
    pools.update(admin, pooled.poolId(), spec(PoolKind.POOLED, "v2"));

    Response refused = update(pooled.id());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body().path("reason").asString()).isEqualTo("POOLED");
    assertThat(refused.body().path("detail").asString()).contains("next logoff");

    Response notTheirs =
        rest.post(
            "/api/v1/desktops/" + pooled.id() + "/golden-update",
            TestTokens.user("mallory-" + run),
            "");
    assertThat(notTheirs.status()).isEqualTo(404);
  }
}
