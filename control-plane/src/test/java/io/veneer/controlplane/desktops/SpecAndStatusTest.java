package io.veneer.controlplane.desktops;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.v1.DesiredSet;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.agents.AgentReports;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A desktop's spec (what people want) and status (what its agent saw) have two writers, each with
 * its own version: neither makes the other fail or retry.
 */
class SpecAndStatusTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentReports reports;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Caller admin = Caller.admin("admin");

  @Test
  void aPersonsStopAndAnAgentsReportAtTheSameMomentBothTakeEffect() throws Exception {
    DesktopView placed = placedDesktop();
    String id = placed.id().toString();
    String host = placed.hostId();
    long generation = placed.specGeneration();
    report(placed, ObservedState.OBSERVED_STATE_PROVISIONING);
    report(placed, ObservedState.OBSERVED_STATE_STARTING);
    Versions before = versions(placed.id());

    atTheSameMoment(
        () -> desktops.stop(admin, placed.id()),
        host,
        AgentMessages.status(id, generation, ObservedState.OBSERVED_STATE_RUNNING).build());

    DesktopView after = desktops.get(admin, placed.id());
    assertThat(after.desiredPower()).as("the person's stop").isEqualTo(PowerState.OFF);
    assertThat(after.state()).as("the agent's report").isEqualTo(DesktopState.RUNNING);
    assertThat(after.specGeneration()).isEqualTo(generation + 1);
    Versions now = versions(placed.id());
    assertThat(now.spec()).as("one write of the spec").isEqualTo(before.spec() + 1);
    assertThat(now.status()).as("one write of the status").isEqualTo(before.status() + 1);
  }

  @Test
  void aPersonsDeleteAndAnAgentsReportAtTheSameMomentBothTakeEffect() throws Exception {
    DesktopView placed = placedDesktop(PoolKind.DEDICATED);
    report(placed, ObservedState.OBSERVED_STATE_PROVISIONING);
    report(placed, ObservedState.OBSERVED_STATE_STARTING);
    Versions before = versions(placed.id());

    atTheSameMoment(
        () -> desktops.delete(admin, placed.id()),
        placed.hostId(),
        AgentMessages.status(
                placed.id().toString(),
                placed.specGeneration(),
                ObservedState.OBSERVED_STATE_RUNNING)
            .build());

    assertThat(desktops.get(admin, placed.id()).state())
        .as("the person's delete")
        .isEqualTo(DesktopState.DELETING);
    assertThat(phase(placed.id())).as("the agent's report").isEqualTo("RUNNING");
    Versions now = versions(placed.id());
    assertThat(now.spec()).as("one write of the spec").isEqualTo(before.spec() + 1);
    assertThat(now.status()).as("one write of the status").isEqualTo(before.status() + 1);

    report(placed, ObservedState.OBSERVED_STATE_ABSENT);
    assertThat(desktops.get(admin, placed.id()).state())
        .as("gone once its agent removed it")
        .isEqualTo(DesktopState.DELETED);
  }

  @Test
  void aDesktopBeingDeletedThatKeepsFailingStaysDeletingUntilItsAgentRemovesIt() {
    DesktopView placed = placedDesktop();
    report(placed, ObservedState.OBSERVED_STATE_PROVISIONING);
    desktops.delete(admin, placed.id());

    report(placed, ObservedState.OBSERVED_STATE_FAILED);
    report(placed, ObservedState.OBSERVED_STATE_FAILED);

    assertThat(desktops.get(admin, placed.id()).state()).isEqualTo(DesktopState.DELETING);
    assertThat(phase(placed.id())).isEqualTo("FAILED");
    report(placed, ObservedState.OBSERVED_STATE_ABSENT);
    assertThat(desktops.get(admin, placed.id()).state()).isEqualTo(DesktopState.DELETED);
  }

  @Test
  void aPersonsLogoffAndAnAgentsReportAtTheSameMomentBothTakeEffect() throws Exception {
    DesktopView placed = placedDesktop(PoolKind.POOLED);
    reportBootedUp(placed);

    DesktopView loggedOff =
        atTheSameMoment(
            () -> desktops.logoff(admin, placed.id()),
            placed.hostId(),
            AgentMessages.status(
                    placed.id().toString(),
                    placed.specGeneration(),
                    ObservedState.OBSERVED_STATE_STOPPING)
                .build());

    assertThat(loggedOff.owner()).as("the person's logoff").isNull();
    assertThat(loggedOff.osDiskGeneration()).as("a new OS disk is wanted").isEqualTo(2);
    assertThat(phase(placed.id())).as("the agent's report").isEqualTo("STOPPING");
    DesktopView next = requestFor(placed.poolId(), "next-in-line");
    assertThat(next.id())
        .as("not handed out before its agent has replaced the last user's disk")
        .isNotEqualTo(placed.id());

    assertThat(
            reports.reportAll(
                placed.hostId(),
                List.of(
                    AgentMessages.status(
                            placed.id().toString(),
                            loggedOff.specGeneration(),
                            ObservedState.OBSERVED_STATE_RUNNING)
                        .setOsDiskGeneration(2)
                        .build())))
        .isEmpty();
    assertThat(requestFor(placed.poolId(), "after-the-refresh").id())
        .as("handed out once its agent runs it on the new disk")
        .isEqualTo(placed.id());
  }

  @Test
  void aPooledDesktopSeenStoppedAfterUseIsRefreshedByThePoolControllerNotByTheReport()
      throws Exception {
    DesktopView placed = placedDesktop(PoolKind.POOLED);
    reportBootedUp(placed);

    try (PoolControllerHeldOff held = holdOffThePoolController(placed.poolId())) {
      Versions before = versions(placed.id());
      report(placed, ObservedState.OBSERVED_STATE_STOPPED);
      Versions after = versions(placed.id());
      assertThat(after.spec()).as("the report wrote no spec").isEqualTo(before.spec());
      assertThat(after.status()).as("the report wrote the status").isGreaterThan(before.status());
      assertThat(desktops.get(admin, placed.id()).osDiskGeneration()).isEqualTo(1);
    }

    await(
        PATIENCE,
        "the pool controller wants a fresh overlay",
        () -> desktops.get(admin, placed.id()).osDiskGeneration() == 2);
    DesktopView refreshed = desktops.get(admin, placed.id());
    report(refreshed, ObservedState.OBSERVED_STATE_STOPPED);
    Thread.sleep(1_000);
    assertThat(desktops.get(admin, placed.id()).osDiskGeneration())
        .as("stopped on a disk it never ran on: not refreshed again")
        .isEqualTo(2);
  }

  @Test
  void aDesktopItsHostCameBackWithoutIsRebuiltByThePoolControllerNotByTheReport() throws Exception {
    DesktopView placed = placedDesktop(PoolKind.DEDICATED);
    reportBootedUp(placed);

    try (PoolControllerHeldOff held = holdOffThePoolController(placed.poolId())) {
      Versions before = versions(placed.id());
      DesiredSet desired = reports.hello(AgentMessages.hello(placed.hostId()).build(), null, 10);
      Versions after = versions(placed.id());
      assertThat(after.spec()).as("the report wrote no spec").isEqualTo(before.spec());
      assertThat(after.status()).as("the report wrote the status").isGreaterThan(before.status());
      DesktopView missing = desktops.get(admin, placed.id());
      assertThat(missing.state()).isEqualTo(DesktopState.PROVISIONING);
      assertThat(missing.osDiskGeneration()).isEqualTo(1);
      assertThat(desired.getDesktopsList())
          .as("not sent to its agent before its rebuild, so that it is built once")
          .noneMatch(d -> d.getDesktopId().equals(placed.id().toString()));
    }

    await(
        PATIENCE,
        "the pool controller wants it built again on a fresh OS disk",
        () -> desktops.get(admin, placed.id()).osDiskGeneration() == 2);
    assertThat(reports.desiredFor(placed.hostId()))
        .as("its agent gets it again, on the fresh disk")
        .anyMatch(
            d -> d.getDesktopId().equals(placed.id().toString()) && d.getOsDiskGeneration() == 2);
    DesktopView rebuilt = desktops.get(admin, placed.id());
    reportBootedUp(rebuilt);
    Thread.sleep(1_000);
    assertThat(desktops.get(admin, placed.id()).osDiskGeneration())
        .as("built once: running on the fresh disk, it is not rebuilt again")
        .isEqualTo(2);
    assertThat(desktops.get(admin, placed.id()).state()).isEqualTo(DesktopState.RUNNING);
  }

  @Test
  void aRestartGoesOnByThePoolControllersWriteOnceTheAgentSeesTheDesktopStopped() throws Exception {
    DesktopView placed = placedDesktop(PoolKind.POOLED);
    reportBootedUp(placed);
    desktops.restart(admin, placed.id());

    try (PoolControllerHeldOff held = holdOffThePoolController(placed.poolId())) {
      Versions before = versions(placed.id());
      report(placed, ObservedState.OBSERVED_STATE_STOPPING);
      report(placed, ObservedState.OBSERVED_STATE_STOPPED);
      assertThat(versions(placed.id()).spec())
          .as("the reports wrote no spec")
          .isEqualTo(before.spec());
      assertThat(desktops.get(admin, placed.id()).desiredPower()).isEqualTo(PowerState.OFF);
    }

    await(
        PATIENCE,
        "the pool controller wants it on again",
        () -> desktops.get(admin, placed.id()).desiredPower() == PowerState.ON);
    report(placed, ObservedState.OBSERVED_STATE_STARTING);
    report(placed, ObservedState.OBSERVED_STATE_RUNNING);
    await(
        PATIENCE,
        "the restart is over",
        () ->
            !jdbc.queryForObject(
                "SELECT restart_pending FROM desktop WHERE id = ?", Boolean.class, placed.id()));
    assertThat(desktops.get(admin, placed.id()).osDiskGeneration())
        .as("a restart keeps its disk, pooled or not")
        .isEqualTo(1);
  }

  @Test
  void aStartAfterAStopBeforeTheAgentSawItStoppedIsNotIgnored() {
    DesktopView placed = placedDesktop(PoolKind.DEDICATED);
    reportBootedUp(placed);
    desktops.stop(admin, placed.id());
    report(placed, ObservedState.OBSERVED_STATE_STOPPING);

    desktops.start(admin, placed.id());
    report(placed, ObservedState.OBSERVED_STATE_RUNNING);

    DesktopView after = desktops.get(admin, placed.id());
    assertThat(after.desiredPower()).isEqualTo(PowerState.ON);
    assertThat(after.state()).isEqualTo(DesktopState.RUNNING);
  }

  @Test
  void reportsThatArriveTogetherAreAppliedInOrderAndAForeignOneIsNamed() {
    DesktopView placed = placedDesktop();
    String id = placed.id().toString();
    long generation = placed.specGeneration();
    String stranger = UUID.randomUUID().toString();

    List<String> foreign =
        reports.reportAll(
            placed.hostId(),
            List.of(
                AgentMessages.status(id, generation, ObservedState.OBSERVED_STATE_PROVISIONING)
                    .build(),
                AgentMessages.status(stranger, 1, ObservedState.OBSERVED_STATE_RUNNING).build(),
                AgentMessages.status(id, generation, ObservedState.OBSERVED_STATE_STARTING).build(),
                AgentMessages.status(id, generation, ObservedState.OBSERVED_STATE_RUNNING)
                    .build()));

    assertThat(foreign).containsExactly(stranger);
    assertThat(desktops.get(admin, placed.id()).state()).isEqualTo(DesktopState.RUNNING);
  }

  @Test
  void anAgentsReportWakesNoReplicaAndAChangeOfTheSpecWakesItsAgentsOne() throws Exception {
    DesktopView placed = placedDesktop();
    try (Connection listener = dataSource.getConnection()) {
      listener.setAutoCommit(true);
      try (Statement listen = listener.createStatement()) {
        listen.execute("LISTEN veneer_host_desired");
      }
      report(placed, ObservedState.OBSERVED_STATE_PROVISIONING);
      report(placed, ObservedState.OBSERVED_STATE_STARTING);
      report(placed, ObservedState.OBSERVED_STATE_RUNNING);
      desktops.stop(admin, placed.id());

      // Notifications arrive in commit order: whatever the reports woke comes before the stop's.
      List<String> forItsHost = new ArrayList<>();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (forItsHost.isEmpty()) {
        assertThat(Instant.now()).as("the stop wakes its host's agent").isBefore(deadline);
        PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(200);
        for (PGNotification notification : received == null ? new PGNotification[0] : received) {
          if (notification.getParameter().equals(placed.hostId())) {
            forItsHost.add(notification.getParameter());
          }
        }
      }
      assertThat(forItsHost).as("one wake-up, the stop's; none for the three reports").hasSize(1);
    }
    assertThat(desktops.get(admin, placed.id()).state())
        .as("the reports were applied")
        .isEqualTo(DesktopState.RUNNING);
  }

  private DesktopView placedDesktop() {
    return placedDesktop(PoolKind.DEDICATED);
  }

  private DesktopView placedDesktop(PoolKind kind) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    hosts.register(
        new HostRegistration("spec-status-" + run, new Resources(16, 65_536, 1_024), Map.of(), ""));
    UUID pool =
        pools
            .create(
                admin,
                new PoolSpec(
                    "spec-status-" + run,
                    kind,
                    "win11",
                    "v1",
                    "sha256:aa",
                    new Resources(2, 2048, 20),
                    0,
                    10,
                    0,
                    1,
                    Set.of(),
                    Set.of()),
                null)
            .id();
    return desktops.create(admin, new DesktopService.CreateDesktop(pool, "pat-" + run), null);
  }

  /** Its agent built it, started it and saw it running. */
  private void reportBootedUp(DesktopView desktop) {
    report(desktop, ObservedState.OBSERVED_STATE_PROVISIONING);
    report(desktop, ObservedState.OBSERVED_STATE_STARTING);
    report(desktop, ObservedState.OBSERVED_STATE_RUNNING);
  }

  /** Its agent, whichever host's it was placed on, saw it in {@code state} on its OS disk. */
  private void report(DesktopView desktop, ObservedState state) {
    assertThat(
            reports.reportAll(
                desktop.hostId(),
                List.of(
                    AgentMessages.status(desktop.id().toString(), desktop.specGeneration(), state)
                        .setOsDiskGeneration(desktop.osDiskGeneration())
                        .build())))
        .isEmpty();
  }

  private DesktopView requestFor(UUID pool, String person) {
    return desktops.create(
        admin, new DesktopService.CreateDesktop(pool, person + "-" + pool), null);
  }

  private String phase(UUID desktop) {
    return jdbc.queryForObject("SELECT state FROM desktop WHERE id = ?", String.class, desktop);
  }

  /**
   * Makes a person's change and an agent's report meet: the row is held, so that both read the
   * desktop as it is now and both wait to write it. Both must take effect.
   */
  private <T> T atTheSameMoment(Callable<T> personsChange, String host, DesktopStatus status)
      throws Exception {
    try (ExecutorService both = Executors.newFixedThreadPool(2);
        Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement lock =
          holder.prepareStatement("SELECT 1 FROM desktop WHERE id = ? FOR UPDATE")) {
        lock.setObject(1, UUID.fromString(status.getDesktopId()));
        lock.executeQuery().close();
      }
      Future<T> change = both.submit(personsChange);
      Future<List<String>> reported = both.submit(() -> reports.reportAll(host, List.of(status)));
      awaitBothWaitingOnTheRow(change, reported);
      holder.commit();
      T changed = change.get(30, TimeUnit.SECONDS);
      assertThat(reported.get(30, TimeUnit.SECONDS)).as("the report was applied").isEmpty();
      return changed;
    }
  }

  /**
   * Holds the pool's advisory lock, which each pool controller pass takes and skips the pool
   * without: while it is held, nothing but the test's own calls writes the pool's desktops.
   */
  private PoolControllerHeldOff holdOffThePoolController(UUID pool) throws SQLException {
    Connection connection = dataSource.getConnection();
    try (PreparedStatement lock =
        connection.prepareStatement(
            "SELECT pg_advisory_lock(hashtextextended('pool-convergence:' || ?, 0))")) {
      lock.setString(1, pool.toString());
      lock.executeQuery().close();
    }
    return new PoolControllerHeldOff(connection, pool);
  }

  private record PoolControllerHeldOff(Connection connection, UUID pool) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      try (PreparedStatement unlock =
          connection.prepareStatement(
              "SELECT pg_advisory_unlock(hashtextextended('pool-convergence:' || ?, 0))")) {
        unlock.setString(1, pool.toString());
        unlock.executeQuery().close();
      } finally {
        connection.close();
      }
    }
  }

  private record Versions(long spec, long status) {}

  private Versions versions(UUID desktop) {
    return jdbc.queryForObject(
        "SELECT version, status_version FROM desktop WHERE id = ?",
        (row, n) -> new Versions(row.getLong(1), row.getLong(2)),
        desktop);
  }

  private void awaitBothWaitingOnTheRow(Future<?> one, Future<?> other)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (jdbc.queryForObject(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
            """,
            Integer.class)
        < 2) {
      assertThat(one).as("the stop waits for the row, it does not finish without it").isNotDone();
      assertThat(other).as("the report waits for the row").isNotDone();
      assertThat(Instant.now()).as("both writers reach the row").isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
