package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.pools.Pool;
import io.veneer.testsupport.postgres.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    replicas.registerLargeHosts("twice", 8);
    Pool pool = replicas.pooledPool("twice", DESKTOPS);
    List<UUID> desktops = replicas.freeDesktops(pool, DESKTOPS).stream().map(Desktop::id).toList();

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
