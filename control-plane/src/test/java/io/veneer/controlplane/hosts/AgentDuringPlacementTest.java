package io.veneer.controlplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.placement.ResourceClaims;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A placement holds the rows of the hosts it claims on until its batch commits; an agent's
 * heartbeat, which comes every few seconds from every host, must not wait for that, nor the Hello
 * of an agent that reconnects to a host whose capacity it does not change.
 */
class AgentDuringPlacementTest extends ControlPlaneSpringTest {

  private static final Resources SIZE = new Resources(2, 2048, 20);
  private static final Resources CAPACITY = new Resources(16, 65_536, 1_024);

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopRepository desktops;
  @Autowired ResourceClaims claims;
  @Autowired PlatformTransactionManager transactions;
  @Autowired DataSource dataSource;

  @ParameterizedTest(name = "first heartbeat of the host: {0}")
  @ValueSource(booleans = {false, true})
  void aHeartbeatCompletesWhileAPlacementHoldsItsHostsLock(boolean first) throws Exception {
    String host = registeredHost("heartbeat-");
    if (!first) {
      hosts.heartbeat(host, Instant.now(), null, null);
    }
    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);

    whileAPlacementHolds(host, () -> hosts.heartbeat(host, at, null, null));

    assertThat(hosts.view(hosts.get(host)).lastHeartbeatAt()).isEqualTo(at);
  }

  @Test
  void aHelloReportingTheHostsCapacityCompletesWhileAPlacementHoldsItsHostsLock() throws Exception {
    String host = registeredHost("hello-");

    whileAPlacementHolds(
        host, () -> hosts.hello(new HostRegistration(host, CAPACITY, Map.of(), "")));

    assertThat(hosts.get(host).capacity()).isEqualTo(CAPACITY);
  }

  @Test
  void aHelloLoweringTheHostsCapacityWaitsForThePlacementAndThenApplies() throws Exception {
    String host = registeredHost("hello-lower-");
    Resources less = new Resources(8, 32_768, 512);
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<Set<UUID>> placement = holdInAPlacement(threads, host, locked, commit);
      Future<?> hello;
      try {
        assertThat(locked.await(30, TimeUnit.SECONDS)).as("the placement claimed").isTrue();
        hello = threads.submit(() -> hosts.hello(new HostRegistration(host, less, Map.of(), "")));
        Thread.sleep(500);
        assertThat(hello).as("the Hello waits for the placement's commit").isNotDone();
      } finally {
        commit.countDown();
      }
      assertThat(placement.get(30, TimeUnit.SECONDS)).hasSize(1);
      hello.get(30, TimeUnit.SECONDS);
    }
    assertThat(hosts.get(host).capacity()).isEqualTo(less);
  }

  private String registeredHost(String prefix) {
    String host = prefix + UUID.randomUUID().toString().substring(0, 8);
    hosts.register(new HostRegistration(host, CAPACITY, Map.of(), ""));
    return host;
  }

  /**
   * Runs {@code action} while a placement's transaction holds {@code host}'s row, and checks that
   * it completed with the row still held.
   */
  private void whileAPlacementHolds(String host, Runnable action) throws Exception {
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch commit = new CountDownLatch(1);
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      Future<Set<UUID>> placement = holdInAPlacement(threads, host, locked, commit);
      try {
        assertThat(locked.await(30, TimeUnit.SECONDS)).as("the placement claimed").isTrue();
        assertThat(lockedByAnother(host)).as("the placement holds the host's row").isTrue();

        threads.submit(action).get(10, TimeUnit.SECONDS);

        assertThat(lockedByAnother(host))
            .as("it completed while the placement still held the row")
            .isTrue();
      } finally {
        commit.countDown();
      }
      assertThat(placement.get(30, TimeUnit.SECONDS)).hasSize(1);
    }
  }

  /** A placement of a new desktop on {@code host} that holds its claim until {@code commit}. */
  private Future<Set<UUID>> holdInAPlacement(
      ExecutorService threads, String host, CountDownLatch locked, CountDownLatch commit) {
    UUID desktop = requestedDesktop(host);
    return threads.submit(
        () ->
            new TransactionTemplate(transactions)
                .execute(
                    status -> {
                      Set<UUID> claimed =
                          claims.claimAll(List.of(new ResourceClaims.Wanted(desktop, host, SIZE)));
                      locked.countDown();
                      awaitUninterruptibly(commit);
                      return claimed;
                    }));
  }

  /** A desktop of its own dedicated pool, not yet placed. */
  private UUID requestedDesktop(String run) {
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    run,
                    PoolKind.DEDICATED,
                    "win11",
                    "v1",
                    "sha256:aa",
                    SIZE,
                    0,
                    10,
                    0,
                    1,
                    Set.of(),
                    Set.of()),
                null)
            .id();
    return desktops
        .save(new Desktop(UUID.randomUUID(), pool, "pat-" + run, "v1", PowerState.ON))
        .id();
  }

  /** Whether the host's row is locked against another placer, asked without waiting. */
  private boolean lockedByAnother(String host) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement lock =
            connection.prepareStatement(
                "SELECT id FROM host WHERE id = ? FOR NO KEY UPDATE NOWAIT")) {
      connection.setAutoCommit(true);
      lock.setString(1, host);
      lock.executeQuery().close();
      return false;
    } catch (SQLException e) {
      if ("55P03".equals(e.getSQLState())) {
        return true;
      }
      throw e;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
