package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * On real PostgreSQL, a host takes desktops beyond its physical memory only as far as its guests,
 * by a recent heartbeat, really leave memory unused, never past capacity x ratio; a host without a
 * recent report goes by its allocations, as before.
 */
class ObservedMemoryPlacementTest {

  // 2 GiB of memory at ratio 2.0: at most 4 GiB of desktops, 2 GiB of them beyond the physical.
  private static final Resources HOST = new Resources(4, 2048, 100);
  private static final Resources DESKTOP = new Resources(1, 1024, 10);

  private static TwoReplicas replicas;

  @BeforeAll
  static void start() {
    replicas =
        new TwoReplicas(
            TestPostgres.freshDatabase(ObservedMemoryPlacementTest.class),
            "--veneer.placement.memory-ratio=2.0",
            "--veneer.placement.observed-memory-max-age=30s");
  }

  @AfterAll
  static void stop() {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void aHostWithoutAReportTakesDesktopsUpToItsRatioAsBefore() {
    String host = register("unreported");
    UUID pool = pool("unreported");

    assertThat(placeMany(pool, 5)).containsExactly(host, host, host, host, "insufficient memory");
  }

  @Test
  void idleGuestsLetAHostGoBeyondItsPhysicalMemoryOnlyAsFarAsTheyLeaveItUnused() {
    String host = register("idle");
    UUID pool = pool("idle");
    assertThat(placeMany(pool, 2)).containsExactly(host, host);

    // Its two guests were given 2048 MiB and use 900: 1148 MiB unused holds one more desktop.
    heartbeat(host, Instant.now(), 900, 2048);

    assertThat(placeMany(pool, 2)).containsExactly(host, "insufficient memory");
  }

  @Test
  void busyGuestsKeepAHostToItsPhysicalMemoryUntilTheirReportIsOld() {
    String host = register("busy");
    UUID pool = pool("busy");
    assertThat(placeMany(pool, 2)).containsExactly(host, host);

    heartbeat(host, Instant.now(), 2000, 2048);
    assertThat(placeMany(pool, 1)).containsExactly("insufficient memory");

    heartbeat(host, Instant.now().minus(Duration.ofMinutes(5)), 2000, 2048);
    assertThat(placeMany(pool, 1)).as("an old report counts for nothing").containsExactly(host);
  }

  @Test
  void theClaimChecksTheCurrentReportWhateverTheReplicaThought() {
    String host = register("claimed");
    UUID pool = pool("claimed");
    assertThat(placeMany(pool, 2)).containsExactly(host, host);
    heartbeat(host, Instant.now(), 2000, 2048);
    UUID third = desktop(pool);

    // As a replica whose view predates the report would ask.
    Set<UUID> claimed =
        new TransactionTemplate(replicas.b.getBean(PlatformTransactionManager.class))
            .execute(
                tx ->
                    replicas
                        .b
                        .getBean(ResourceClaims.class)
                        .claimAll(List.of(new ResourceClaims.Wanted(third, host, DESKTOP))));

    assertThat(claimed).isEmpty();
  }

  /** Places desktops one by one: each one's host, or the reason it has none. */
  private static List<String> placeMany(UUID pool, int count) {
    PlacementService placement = replicas.a.getBean(PlacementService.class);
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                switch (placement.place(desktop(pool))) {
                  case PlacementOutcome.Placed p -> p.hostId();
                  case PlacementOutcome.Unschedulable u ->
                      u.reason().contains("insufficient memory")
                          ? "insufficient memory"
                          : u.reason();
                  case PlacementOutcome outcome -> outcome.toString();
                })
        .toList();
  }

  /**
   * A heartbeat of the host's agent, and the replica placing noticing it, as it does each period.
   */
  private static void heartbeat(String host, Instant at, long inUseMib, long givenMib) {
    replicas.a.getBean(HostService.class).heartbeat(host, at, inUseMib, givenMib);
    replicas.a.getBean(ClusterState.class).verify();
  }

  private static String register(String name) {
    // Every other host is put aside, so that each test's desktops can only land on its own host.
    jdbc().update("UPDATE host SET state = 'MAINTENANCE'");
    String host = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    replicas.a.getBean(HostService.class).register(new HostRegistration(host, HOST, Map.of(), ""));
    return host;
  }

  private static UUID pool(String name) {
    return replicas.pooledPool(name + "-" + UUID.randomUUID(), DESKTOP, 10).id();
  }

  private static UUID desktop(UUID pool) {
    return replicas.freeDesktop(pool).id();
  }

  private static JdbcTemplate jdbc() {
    return replicas.a.getBean(JdbcTemplate.class);
  }
}
