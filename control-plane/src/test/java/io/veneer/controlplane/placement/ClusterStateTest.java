package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each replica places against a cluster it keeps in memory and reads again only where PostgreSQL
 * announced a change; these are the ways that view could go wrong.
 */
class ClusterStateTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);
  // Four vCPUs fit a host of one vCPU at 4.0 overcommit: one desktop per host.
  private static final Resources ONE_HOST_FULL = new Resources(4, 1024, 10);

  private static TwoReplicas replicas;

  @BeforeAll
  static void start() {
    replicas =
        new TwoReplicas(
            TestPostgres.freshDatabase(ClusterStateTest.class),
            "veneer.placement.vcpu-ratio=4.0",
            // Short, so that the test sees the check run by itself.
            "veneer.placement.verify-interval=1s");
  }

  @AfterAll
  static void stop() {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void aPlacementOnOneReplicaAccountsForTheClaimTheOtherJustMade() throws Exception {
    String host = register("claimed");
    ClusterState seenByB = replicas.b.getBean(ClusterState.class);
    awaitHost(seenByB, host, h -> true, "B knows the new host");
    UUID pool = pool("claimed");

    PlacementOutcome first = placement(replicas.a).place(desktop(pool));
    PlacementOutcome second = placement(replicas.b).place(desktop(pool));

    assertThat(first)
        .isInstanceOfSatisfying(
            PlacementOutcome.Placed.class, p -> assertThat(p.hostId()).isEqualTo(host));
    assertThat(second)
        .isInstanceOfSatisfying(
            PlacementOutcome.Unschedulable.class,
            u -> assertThat(u.reason()).contains("insufficient"));
    assertThat(claimedOn(host)).isEqualTo(1);
  }

  @Test
  void aLostAnnouncementIsFoundByTheGenerationCheck() throws Exception {
    String host = register("unannounced");
    ClusterState seenByB = replicas.b.getBean(ClusterState.class);
    awaitHost(seenByB, host, h -> h.allocatedVcpus() == 0, "B knows the new, empty host");
    UUID desktop = desktop(pool("unannounced"));

    // A claim whose announcement never goes out, as if B's listening connection had dropped.
    new TransactionTemplate(replicas.a.getBean(PlatformTransactionManager.class))
        .executeWithoutResult(
            tx -> {
              JdbcTemplate jdbc = jdbc();
              jdbc.execute("ALTER TABLE resource_claim DISABLE TRIGGER resource_claim_announce");
              jdbc.execute("ALTER TABLE host DISABLE TRIGGER host_announce");
              jdbc.update(
                  "INSERT INTO resource_claim (desktop_id, host_id, vcpus, memory_mib, disk_gib)"
                      + " VALUES (?, ?, 4, 1024, 10)",
                  desktop,
                  host);
              jdbc.update("UPDATE host SET generation = generation + 1 WHERE id = ?", host);
              jdbc.execute("ALTER TABLE host ENABLE TRIGGER host_announce");
              jdbc.execute("ALTER TABLE resource_claim ENABLE TRIGGER resource_claim_announce");
            });

    awaitHost(seenByB, host, h -> h.allocatedVcpus() == 4, "B sees the unannounced claim");
    assertThat(
            replicas
                .b
                .getBean(MeterRegistry.class)
                .counter("veneer.placement.cluster.missed-changes")
                .count())
        .isPositive();
  }

  @Test
  void aDeletedDesktopLeavesTheWorkingSetThoughItKeepsItsHost() throws Exception {
    String host = register("deleted");
    UUID pool = pool("deleted");
    UUID desktop = desktop(pool);
    assertThat(placement(replicas.a).place(desktop)).isInstanceOf(PlacementOutcome.Placed.class);
    ClusterState seenByB = replicas.b.getBean(ClusterState.class);
    awaitHost(seenByB, host, h -> h.desktops().size() == 1, "B sees the placed desktop");

    DesktopRepository desktops = replicas.a.getBean(DesktopRepository.class);
    DesktopService service = replicas.a.getBean(DesktopService.class);
    // Deleted, and its agent reported it gone from the host.
    new TransactionTemplate(replicas.a.getBean(PlatformTransactionManager.class))
        .executeWithoutResult(
            tx -> {
              Desktop placed = desktops.findById(desktop).orElseThrow();
              service.retire(placed);
              service.removed(placed);
            });

    awaitHost(
        seenByB,
        host,
        h -> h.desktops().isEmpty() && h.allocatedVcpus() == 0,
        "the deleted desktop leaves B's view");
    assertThat(
            seenByB
                .snapshot()
                .desktopsOfPool(pool.toString())
                .at(indexOf(seenByB.snapshot(), host)))
        .as("no anti-affinity count for a tombstone")
        .isZero();
    assertThat(
            jdbc()
                .queryForObject("SELECT host_id FROM desktop WHERE id = ?", String.class, desktop))
        .as("the record keeps where it ran")
        .isEqualTo(host);
    // And a new desktop of the pool takes the room the deleted one left.
    assertThat(placement(replicas.b).place(desktop(pool)))
        .isInstanceOf(PlacementOutcome.Placed.class);
  }

  private static String register(String name) {
    // Every other host is put aside, so that each test's desktops can only land on its own host.
    jdbc().update("UPDATE host SET state = 'MAINTENANCE'");
    String host = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    replicas
        .a
        .getBean(HostService.class)
        .register(new HostRegistration(host, new Resources(1, 1024, 10), Map.of(), ""));
    return host;
  }

  private static UUID pool(String name) {
    return replicas.pooledPool(name + "-" + UUID.randomUUID(), ONE_HOST_FULL, 10).id();
  }

  private static UUID desktop(UUID pool) {
    return replicas.freeDesktop(pool).id();
  }

  private static PlacementService placement(ConfigurableApplicationContext replica) {
    return replica.getBean(PlacementService.class);
  }

  private static JdbcTemplate jdbc() {
    return replicas.a.getBean(JdbcTemplate.class);
  }

  private static long claimedOn(String host) {
    return jdbc()
        .queryForObject("SELECT count(*) FROM resource_claim WHERE host_id = ?", Long.class, host);
  }

  private static Optional<HostSnapshot> hostIn(ClusterSnapshot snapshot, String host) {
    return snapshot.hosts().stream().filter(h -> h.id().equals(host)).findFirst();
  }

  private static int indexOf(ClusterSnapshot snapshot, String host) {
    return snapshot.hosts().indexOf(hostIn(snapshot, host).orElseThrow());
  }

  private static void awaitHost(
      ClusterState state, String host, Predicate<HostSnapshot> condition, String what)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(PATIENCE);
    while (!hostIn(state.snapshot(), host).filter(condition).isPresent()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
