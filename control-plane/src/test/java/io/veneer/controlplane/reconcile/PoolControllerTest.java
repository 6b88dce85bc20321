package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.desktops.IllegalTransitionException;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.hosts.HostView;
import io.veneer.controlplane.pools.PoolExhaustedException;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRollout;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PoolState;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The pool controller and the agent gateway together, on real PostgreSQL and Kafka, with a node
 * agent played by an in-test gRPC client that does what it is told ({@link FollowingAgent}).
 */
class PoolControllerTest extends ControlPlaneSpringTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired HostFencing fencing;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");
  private final Caller alice = Caller.user("alice-" + run);
  private final Caller bob = Caller.user("bob-" + run);
  private final Caller carol = Caller.user("carol-" + run);
  private final String host = "pool-host-" + run;
  private FollowingAgent agent;

  @BeforeEach
  void aHostWithItsAgentConnected() {
    // The database is shared with other test classes; their hosts are put aside, so that this
    // test's desktops land on its own host.
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    hosts.register(new HostRegistration(host, new Resources(64, 262_144, 4_096), Map.of(), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).connect();
  }

  @AfterEach
  void disconnect() {
    agent.close();
  }

  private UUID pool(int min, int max, int warm) {
    return pools.create(admin, spec("v1", min, max, warm), null).id();
  }

  private PoolSpec spec(String golden, int min, int max, int warm) {
    return spec(PoolKind.POOLED, golden, min, max, warm);
  }

  private PoolSpec spec(PoolKind kind, String golden, int min, int max, int warm) {
    return new PoolSpec(
        kind.name().toLowerCase(java.util.Locale.ROOT) + "-pool-" + run,
        kind,
        "tiny",
        golden,
        AgentMessages.GOLDEN_DIGEST,
        new Resources(1, 1024, 10),
        min,
        max,
        warm,
        2,
        Set.of(alice.subject(), bob.subject(), carol.subject()),
        Set.of());
  }

  private List<Map<String, Object>> desktopsOf(UUID pool) {
    return jdbc.queryForList(
        "SELECT id, owner, state, host_id, golden_version FROM desktop"
            + " WHERE pool_id = ? AND state <> 'DELETED'",
        pool);
  }

  private long countIn(UUID pool, DesktopState state) {
    return desktopsOf(pool).stream().filter(d -> state.name().equals(d.get("state"))).count();
  }

  @Test
  void aPoolOfTwentyPooledDesktopsConvergesToTwentyRunningGuests() throws Exception {
    UUID pool = pool(20, 20, 0);

    await(PATIENCE, "20 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 20);

    assertThat(desktopsOf(pool))
        .hasSize(20)
        .allSatisfy(d -> assertThat(d.get("host_id")).isEqualTo(host));
    assertThat(agent.holding()).hasSize(20);
  }

  @Test
  void aHostShowsWhatItsDesktopsHoldAgainstWhatItMayPromise() throws Exception {
    UUID pool = pool(3, 3, 0);
    await(PATIENCE, "3 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 3);

    HostView used = hosts.view(hosts.get(host));
    assertThat(used.allocated()).isEqualTo(new Resources(3, 3 * 1024, 3 * 10));
    assertThat(used.desktops()).isEqualTo(3);
    Resources capacity = used.capacity();
    assertThat(used.allocatable())
        .as("4.0 vCPU overcommit by default, none for memory and disk")
        .isEqualTo(new Resources(capacity.vcpus() * 4, capacity.memoryMib(), capacity.diskGib()));
    // Other tests' pools place on the same host meanwhile: its generation and beats move on.
    assertThat(hosts.views())
        .filteredOn(view -> view.id().equals(host))
        .singleElement()
        .usingRecursiveComparison()
        .ignoringFields("generation", "lastHeartbeatAt", "memoryInUseMib")
        .isEqualTo(used);

    pools.delete(admin, pool);

    await(PATIENCE, "the claims are released", () -> hosts.view(hosts.get(host)).desktops() == 0);
    assertThat(hosts.view(hosts.get(host)).allocated()).isEqualTo(Resources.ZERO);
  }

  @Test
  void usersGetTheWarmDesktopsUntilThePoolIsExhaustedAndLogoffRefreshesOne() throws Exception {
    UUID pool = pool(0, 2, 2);
    await(PATIENCE, "2 warm desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 2);

    DesktopView alices = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    DesktopView bobs = desktops.create(bob, new DesktopService.CreateDesktop(pool, null), null);

    assertThat(alices.state()).isEqualTo(DesktopState.RUNNING);
    assertThat(alices.owner()).isEqualTo(alice.subject());
    assertThat(bobs.state()).isEqualTo(DesktopState.RUNNING);
    assertThat(bobs.id()).isNotEqualTo(alices.id());
    assertThat(desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null).id())
        .as("asking again returns the desktop she has")
        .isEqualTo(alices.id());
    assertThatThrownBy(
            () -> desktops.create(carol, new DesktopService.CreateDesktop(pool, null), null))
        .isInstanceOf(PoolExhaustedException.class)
        .hasMessageContaining("has no free desktop")
        .hasMessageContaining("maximum size");

    long osDisk = agent.osDiskGenerationOf(alices.id().toString());
    DesktopView loggedOff = desktops.logoff(alice, alices.id());

    assertThat(loggedOff.osDiskGeneration()).as("a new OS disk is wanted").isEqualTo(osDisk + 1);
    assertThat(loggedOff.owner()).isNull();
    await(
        PATIENCE,
        "the agent recreated the overlay",
        () -> agent.osDiskGenerationOf(alices.id().toString()) == osDisk + 1);
    await(
        PATIENCE,
        "the refreshed desktop is RUNNING again",
        // On the new disk by its agent's report: the agent's own view of the disk changes first,
        // and until the report the desktop still shows RUNNING on the last user's disk.
        () ->
            desktops.get(admin, alices.id()).state() == DesktopState.RUNNING
                && jdbc.queryForObject(
                        "SELECT seen_os_disk_generation FROM desktop WHERE id = ?",
                        Long.class,
                        alices.id())
                    == osDisk + 1);
    DesktopView carols = desktops.create(carol, new DesktopService.CreateDesktop(pool, null), null);
    assertThat(carols.id()).as("carol gets the refreshed desktop").isEqualTo(alices.id());
  }

  @Test
  void anAgentThatReconnectsHoldingOnlyPartOfItsDesktopsGetsTheRestRebuilt() throws Exception {
    UUID pool = pool(3, 3, 0);
    await(PATIENCE, "3 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 3);
    List<String> before = agent.holding();
    agent.disconnect();

    agent.connectHolding(List.of(before.getFirst()));

    await(PATIENCE, "all 3 held again", () -> agent.holding().containsAll(before));
    await(PATIENCE, "3 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 3);
    assertThat(desktops.get(admin, UUID.fromString(before.get(1))).osDiskGeneration())
        .as("the missing desktop was rebuilt from a fresh overlay")
        .isEqualTo(2);
  }

  @Test
  void anAgentGetsChangesPushedAndRemovesWhatItNoLongerShouldRun() throws Exception {
    UUID pool = pool(0, 5, 0);
    DesktopView desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    await(
        PATIENCE,
        "alice's desktop RUNNING",
        () -> desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);

    desktops.stop(alice, desktop.id());
    await(
        PATIENCE,
        "the agent stopped it, and its overlay was refreshed",
        () ->
            desktops.get(alice, desktop.id()).state() == DesktopState.STOPPED
                && agent.osDiskGenerationOf(desktop.id().toString()) == 2);

    desktops.delete(alice, desktop.id());
    await(
        PATIENCE,
        "the agent removed it and the desktop is gone",
        () -> desktops.get(admin, desktop.id()).state() == DesktopState.DELETED);
    assertThat(agent.holding()).doesNotContain(desktop.id().toString());
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM resource_claim WHERE desktop_id = ?",
                Long.class,
                desktop.id()))
        .isZero();
  }

  @Test
  void deletingAPoolRemovesEveryDesktopFromItsHostAndReleasesTheirClaims() throws Exception {
    UUID pool = pool(4, 4, 0);
    await(PATIENCE, "4 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 4);

    pools.delete(admin, pool);

    await(
        PATIENCE,
        "the pool is gone",
        () ->
            PoolState.DELETED
                .name()
                .equals(
                    jdbc.queryForObject(
                        "SELECT state FROM pool WHERE id = ?", String.class, pool)));
    assertThat(desktopsOf(pool)).isEmpty();
    assertThat(agent.holding()).isEmpty();
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM resource_claim c JOIN desktop d ON d.id = c.desktop_id"
                    + " WHERE d.pool_id = ?",
                Long.class,
                pool))
        .isZero();
  }

  @Test
  void aNewGoldenVersionRollsOutOverFreeDesktopsAndWaitsForUsersToLogOff() throws Exception {
    UUID pool = pool(3, 3, 0);
    await(PATIENCE, "3 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 3);
    DesktopView alices = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);

    pools.update(admin, pool, spec("v2", 3, 3, 0));
    PoolRollout started = pools.get(admin, pool).rollout();
    assertThat(started.desktops()).isEqualTo(3);
    assertThat(started.current()).isZero();
    assertThat(started.waitingForLogoff()).isEqualTo(1);
    assertThat(started.complete()).isFalse();

    // Their agent runs them on the new disk: until it says so, they are refreshing.
    await(
        PATIENCE,
        "the two free desktops are on v2 and RUNNING",
        () ->
            desktopsOf(pool).stream()
                    .filter(d -> d.get("owner") == null)
                    .allMatch(
                        d ->
                            "v2".equals(d.get("golden_version"))
                                && "RUNNING".equals(d.get("state")))
                && pools.get(admin, pool).rollout().refreshing() == 0);
    assertThat(desktops.get(alice, alices.id()).goldenVersion())
        .as("alice's desktop waits for her logoff")
        .isEqualTo("v1");
    assertThat(pools.get(admin, pool).rollout())
        .as("two of three on v2, alice's waits for her logoff")
        .isEqualTo(new PoolRollout(3, 2, 0, 1, 0));

    desktops.logoff(alice, alices.id());

    await(
        PATIENCE,
        "alice's former desktop is on v2",
        () -> "v2".equals(desktops.get(admin, alices.id()).goldenVersion()));
    await(PATIENCE, "the roll is complete", () -> pools.get(admin, pool).rollout().complete());
    assertThat(pools.get(admin, pool).rollout()).isEqualTo(new PoolRollout(3, 3, 0, 0, 0));
  }

  @Test
  void aDedicatedDesktopOfAFencedHostWaitsForItsHostOnItsOwnDiskWhileAPooledOneMoves()
      throws Exception {
    UUID dedicatedPool = pools.create(admin, spec(PoolKind.DEDICATED, "v1", 0, 2, 0), null).id();
    DesktopView dedicated =
        desktops.create(alice, new DesktopService.CreateDesktop(dedicatedPool, null), null);
    DesktopView pooled =
        desktops.create(bob, new DesktopService.CreateDesktop(pool(0, 2, 0), null), null);
    await(
        PATIENCE,
        "both desktops RUNNING",
        () ->
            desktops.get(alice, dedicated.id()).state() == DesktopState.RUNNING
                && desktops.get(bob, pooled.id()).state() == DesktopState.RUNNING);
    long disk = desktops.get(alice, dedicated.id()).osDiskGeneration();
    agent.disconnect();
    String other = "other-host-" + run;
    hosts.register(new HostRegistration(other, new Resources(64, 262_144, 4_096), Map.of(), ""));
    try (FollowingAgent otherAgent =
        new FollowingAgent(server.port(), other, credentials.issue(other)).connect()) {

      fencing.fence(admin, host);

      // By the time the pooled desktop runs elsewhere, the dedicated one would have moved too.
      await(
          PATIENCE,
          "the pooled desktop RUNNING on the other host",
          () ->
              other.equals(desktops.get(bob, pooled.id()).hostId())
                  && desktops.get(bob, pooled.id()).state() == DesktopState.RUNNING);
      DesktopView waiting = desktops.get(alice, dedicated.id());
      assertThat(waiting.hostId()).as("it stays with its disk").isEqualTo(host);
      assertThat(waiting.osDiskGeneration()).as("no fresh disk").isEqualTo(disk);
      assertThat(waiting.failureReason()).contains("was fenced").contains("waits for its host");
      assertThat(otherAgent.holding()).doesNotContain(dedicated.id().toString());
    }

    hosts.register(new HostRegistration(host, new Resources(64, 262_144, 4_096), Map.of(), ""));
    // The host comes back with its disks: its agent holds the desktop still.
    agent.withToken(credentials.issue(host)).connect();

    await(
        PATIENCE,
        "the dedicated desktop RUNNING on its host again",
        () -> desktops.get(alice, dedicated.id()).state() == DesktopState.RUNNING);
    assertThat(desktops.get(alice, dedicated.id()).osDiskGeneration()).isEqualTo(disk);
    assertThat(agent.osDiskGenerationOf(dedicated.id().toString())).isEqualTo(disk);
  }

  @Test
  void drainingAHostMovesItsFreeDesktopsAwayAndLeavesAssignedOnesUntilLogoff() throws Exception {
    UUID pool = pool(3, 5, 2);
    DesktopView alices = desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    await(PATIENCE, "three desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 3);
    String other = "drain-target-" + run;
    hosts.register(new HostRegistration(other, new Resources(64, 262_144, 4_096), Map.of(), ""));
    FollowingAgent otherAgent =
        new FollowingAgent(server.port(), other, credentials.issue(other)).connect();
    try {
      hosts.order(admin, host, HostStatus.DRAINING, "kernel upgrade");

      await(
          PATIENCE,
          "the two free desktops run on the other host",
          () ->
              desktopsOf(pool).stream()
                      .filter(d -> d.get("owner") == null)
                      .filter(d -> "RUNNING".equals(d.get("state")))
                      .filter(d -> other.equals(d.get("host_id")))
                      .count()
                  == 2);
      assertThat(desktops.get(alice, alices.id()).hostId())
          .as("an assigned desktop stays with its user")
          .isEqualTo(host);
      assertThat(desktopsOf(pool))
          .filteredOn(d -> host.equals(d.get("host_id")))
          .extracting(d -> d.get("id"))
          .containsExactly(alices.id());
    } finally {
      otherAgent.close();
    }
  }

  @Test
  void aRestartStopsTheDesktopAndStartsItAgainWithoutRefreshingIt() throws Exception {
    UUID pool = pool(0, 2, 0);
    DesktopView desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    await(
        PATIENCE,
        "alice's desktop RUNNING",
        () -> desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
    long osDisk = osDiskGeneration(desktop.id());

    assertThat(desktops.restart(alice, desktop.id()).desiredPower())
        .as("wanted off now, on again once its agent reports it stopped")
        .isEqualTo(PowerState.OFF);

    await(
        PATIENCE,
        "running again after the restart",
        () ->
            desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING
                && !jdbc.queryForObject(
                    "SELECT restart_pending FROM desktop WHERE id = ?",
                    Boolean.class,
                    desktop.id()));
    assertThat(osDiskGeneration(desktop.id())).as("its disk was kept").isEqualTo(osDisk);
    assertThat(desktops.get(alice, desktop.id()).owner()).isEqualTo(alice.subject());
  }

  @Test
  void onlyARunningDesktopCanBeRestarted() {
    UUID pool = pool(0, 2, 0);
    DesktopView desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, null), null);
    desktops.delete(alice, desktop.id());

    // The following agent may have confirmed the deletion already.
    assertThatThrownBy(() -> desktops.restart(alice, desktop.id()))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageMatching("Desktop .* is DELET(ING|ED) and cannot go to STOPPING.*");
  }

  private long osDiskGeneration(UUID desktop) {
    return jdbc.queryForObject(
        "SELECT os_disk_generation FROM desktop WHERE id = ?", Long.class, desktop);
  }

  @Test
  void warmDesktopsTheControllerCreatesAreAnnouncedFromTheirRequest() throws Exception {
    UUID pool = pool(2, 2, 2);

    await(PATIENCE, "2 desktops RUNNING", () -> countIn(pool, DesktopState.RUNNING) == 2);

    for (Map<String, Object> desktop : desktopsOf(pool)) {
      assertThat(
              jdbc.queryForList(
                  "SELECT event_type FROM outbox_event WHERE record_key = ? ORDER BY id",
                  String.class,
                  desktop.get("id").toString()))
          .as("events of %s", desktop.get("id"))
          .startsWith("io.veneer.desktop.requested", "io.veneer.desktop.state-changed");
    }
  }
}
