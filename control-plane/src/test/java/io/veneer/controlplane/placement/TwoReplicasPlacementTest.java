package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * Two control-plane replicas, one database: 500 desktops onto 20 hosts that hold exactly 400 (10
 * vCPUs x 4.0 overcommit = 40 vCPUs each, 2 vCPUs per desktop).
 */
class TwoReplicasPlacementTest {

  private static final int HOSTS = 20;
  private static final int DESKTOPS = 500;
  private static final Resources DESKTOP = new Resources(2, 1536, 20);

  private static TwoReplicas replicas;
  private static ConfigurableApplicationContext replicaA;
  private static ConfigurableApplicationContext replicaB;

  @BeforeAll
  static void startTwoReplicas() {
    replicas =
        new TwoReplicas(
            TestPostgres.freshDatabase(TwoReplicasPlacementTest.class),
            "veneer.placement.vcpu-ratio=4.0");
    replicaA = replicas.a;
    replicaB = replicas.b;
  }

  @AfterAll
  static void stop() {
    if (replicas != null) {
      replicas.close();
    }
  }

  @Test
  void twoReplicasPlaceExactlyWhatFitsAndExplainTheRest() throws Exception {
    HostService hosts = replicaA.getBean(HostService.class);
    for (int i = 0; i < HOSTS; i++) {
      hosts.register(
          new HostRegistration(
              "host-%02d".formatted(i), new Resources(10, 40_960, 1_000), Map.of(), "zone-a"));
    }
    Pool pool =
        replicaA
            .getBean(PoolRepository.class)
            .save(
                new Pool(
                    UUID.randomUUID(),
                    new PoolSpec(
                        "storm",
                        PoolKind.POOLED,
                        "win11",
                        "v1",
                        "sha256:aa",
                        DESKTOP,
                        0,
                        DESKTOPS,
                        0,
                        1,
                        Set.of(),
                        Set.of())));
    List<Desktop> desktops =
        replicaA
            .getBean(DesktopRepository.class)
            .saveAll(
                IntStream.range(0, DESKTOPS)
                    .mapToObj(
                        i -> new Desktop(UUID.randomUUID(), pool.id(), null, "v1", PowerState.ON))
                    .toList());

    ConcurrentLinkedQueue<UUID> pending = new ConcurrentLinkedQueue<>();
    desktops.forEach(d -> pending.add(d.id()));
    List<PlacementOutcome> outcomes = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      List<Future<List<PlacementOutcome>>> workers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        PlacementService placement =
            (t % 2 == 0 ? replicaA : replicaB).getBean(PlacementService.class);
        workers.add(
            threads.submit(
                () -> {
                  List<PlacementOutcome> mine = new ArrayList<>();
                  for (UUID id = pending.poll(); id != null; id = pending.poll()) {
                    mine.add(placement.place(id));
                  }
                  return mine;
                }));
      }
      for (Future<List<PlacementOutcome>> worker : workers) {
        outcomes.addAll(worker.get());
      }
    }

    assertThat(outcomes).hasSize(DESKTOPS);
    assertThat(outcomes).filteredOn(o -> o instanceof PlacementOutcome.Placed).hasSize(400);
    assertThat(outcomes)
        .filteredOn(o -> o instanceof PlacementOutcome.Unschedulable)
        .hasSize(100)
        .allSatisfy(
            o ->
                assertThat(((PlacementOutcome.Unschedulable) o).reason())
                    .startsWith("0/20 hosts: 20 insufficient"));

    JdbcTemplate jdbc = replicaB.getBean(JdbcTemplate.class);
    assertThat(
            jdbc.queryForList(
                """
                SELECT h.id FROM host h JOIN resource_claim c ON c.host_id = h.id
                GROUP BY h.id, h.vcpus, h.vcpu_ratio_permille
                HAVING SUM(c.vcpus) > h.vcpus * h.vcpu_ratio_permille / 1000
                """,
                String.class))
        .as("hosts past capacity x ratio")
        .isEmpty();
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM resource_claim", Long.class))
        .isEqualTo(400);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM desktop WHERE state = 'SCHEDULED' AND host_id IS NOT NULL",
                Long.class))
        .isEqualTo(400);
    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM desktop WHERE state = 'REQUESTED' AND failure_reason LIKE"
                    + " '0/20 hosts:%'",
                Long.class))
        .isEqualTo(100);
  }
}
