package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.postgres.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The same desktops queued on two replicas at once, as when a person's request is being placed on
 * one replica while the pool controller of the other finds the desktop still REQUESTED.
 */
class SameDesktopsOnTwoReplicasTest {

  private static final int DESKTOPS = 40;

  private static TwoReplicas replicas;

  @BeforeAll
  static void start() {
    replicas = new TwoReplicas(TestPostgres.freshDatabase(SameDesktopsOnTwoReplicasTest.class));
  }

  @AfterAll
  static void stop() {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void eachIsClaimedOnceAndNeitherBatchFallsApartIntoSinglePlacements() throws Exception {
    HostService hosts = replicas.a.getBean(HostService.class);
    for (int i = 0; i < 8; i++) {
      hosts.register(
          new HostRegistration(
              "twice-%02d".formatted(i), new Resources(64, 262_144, 4_096), Map.of(), ""));
    }
    Pool pool =
        replicas
            .a
            .getBean(PoolRepository.class)
            .save(
                new Pool(
                    UUID.randomUUID(),
                    new PoolSpec(
                        "twice",
                        PoolKind.POOLED,
                        "win11",
                        "v1",
                        "sha256:aa",
                        new Resources(1, 1024, 10),
                        0,
                        DESKTOPS,
                        0,
                        1,
                        Set.of(),
                        Set.of())));
    List<UUID> desktops =
        replicas
            .a
            .getBean(DesktopRepository.class)
            .saveAll(
                IntStream.range(0, DESKTOPS)
                    .mapToObj(
                        i -> new Desktop(UUID.randomUUID(), pool.id(), null, "v1", PowerState.ON))
                    .toList())
            .stream()
            .map(Desktop::id)
            .toList();

    List<PlacementOutcome> outcomes = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      List<Future<List<PlacementOutcome>>> both = new ArrayList<>();
      for (ConfigurableApplicationContext replica : List.of(replicas.a, replicas.b)) {
        PlacementService placement = replica.getBean(PlacementService.class);
        both.add(threads.submit(() -> placement.placeAll(desktops)));
      }
      for (Future<List<PlacementOutcome>> answers : both) {
        outcomes.addAll(answers.get());
      }
    }

    assertThat(outcomes)
        .as("placed by one replica, found already placed by the other")
        .allSatisfy(
            o ->
                assertThat(o)
                    .isInstanceOfAny(
                        PlacementOutcome.Placed.class, PlacementOutcome.NotPending.class));
    assertThat(outcomes).filteredOn(o -> o instanceof PlacementOutcome.Placed).hasSize(DESKTOPS);
    JdbcTemplate jdbc = replicas.b.getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM resource_claim c JOIN desktop d ON d.id = c.desktop_id"
                    + " WHERE d.pool_id = ? AND d.state = 'SCHEDULED' AND d.host_id = c.host_id",
                Long.class,
                pool.id()))
        .as("one claim per desktop, on the host it is scheduled on")
        .isEqualTo(DESKTOPS);
    assertThat(batches(replicas.a) + batches(replicas.b))
        .as("placement transactions: a lost claim is retried, not the batch split into one each")
        .isLessThan(DESKTOPS);
  }

  private static long batches(ConfigurableApplicationContext replica) {
    return replica.getBean(MeterRegistry.class).summary("veneer.placement.batch.size").count();
  }
}
