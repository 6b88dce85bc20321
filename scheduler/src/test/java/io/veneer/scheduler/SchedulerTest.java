package io.veneer.scheduler;

import static io.veneer.scheduler.Hosts.GIB;
import static io.veneer.scheduler.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.scheduler.PlacementPolicy.Strategy;
import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.filter.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchedulerTest {

  private static final Resources DESKTOP = new Resources(2, 4 * GIB, 20);
  private static final PlacementRequest REQUEST =
      PlacementRequest.of(DESKTOP, "sha256:golden", "pool-1");
  private static final PlacementPolicy POLICY = PlacementPolicy.DEFAULT.inDeterministicMode();

  private final Scheduler scheduler = Scheduler.withPolicy(POLICY);

  @ParameterizedTest
  @EnumSource(
      value = HostState.class,
      names = {"MAINTENANCE", "DRAINING", "FENCED", "DOWN"})
  void refusesPlacementWhenNoHostIsUp(HostState state) {
    var cluster = cluster(5, i -> host("h" + i).state(state));

    var result = scheduler.place(cluster, REQUEST, 1);

    assertThat(result).isInstanceOf(Unschedulable.class);
    assertThat(((Unschedulable) result).explanation()).isEqualTo("0/5 hosts: 5 " + state.phrase());
  }

  @Test
  void explainsARefusalCountedPerReasonMostFrequentFirst() {
    List<HostSnapshot> hosts = new ArrayList<>();
    for (int i = 0; i < 31; i++) {
      hosts.add(
          host("full-" + i)
              .labels(Map.of("gpu", "true"))
              .allocated(new Resources(0, 63 * GIB, 0))
              .build());
    }
    for (int i = 0; i < 6; i++) {
      hosts.add(host("maint-" + i).state(HostState.MAINTENANCE).build());
    }
    for (int i = 0; i < 3; i++) {
      hosts.add(host("plain-" + i).build());
    }

    var result =
        scheduler.place(new ClusterSnapshot(hosts), REQUEST.withLabels(Map.of("gpu", "true")), 7);

    assertThat(result)
        .isEqualTo(
            new Unschedulable(
                40,
                Map.of(
                    "insufficient memory", 31, "in maintenance", 6, "missing label gpu=true", 3)));
    assertThat(((Unschedulable) result).explanation())
        .isEqualTo(
            "0/40 hosts: 31 insufficient memory, 6 in maintenance, 3 missing label gpu=true");
  }

  @Test
  void explainsAnEmptyCluster() {
    var result = (Unschedulable) scheduler.place(new ClusterSnapshot(List.of()), REQUEST, 1);

    assertThat(result.explanation()).isEqualTo("0/0 hosts: no hosts are registered");
  }

  @Test
  void placesOnTheOnlyFeasibleHostWithItsScoreBreakdown() {
    var cluster =
        ClusterSnapshot.of(
            host("down").state(HostState.DOWN).build(),
            host("up").cachedImages(Set.of("sha256:golden")).build());

    var placed = (Placed) scheduler.place(cluster, REQUEST, 1);

    assertThat(placed.hostId()).isEqualTo("up");
    assertThat(placed.breakdown())
        .containsOnlyKeys("packing", "image-locality", "anti-affinity", "balance")
        .containsEntry("image-locality", 100.0)
        .containsEntry("anti-affinity", 100.0);
    assertThat(placed.examined()).isEqualTo(2);
    assertThat(placed.feasible()).isEqualTo(1);
  }

  @Test
  void prefersAHostThatCachesTheGoldenImage() {
    var cluster =
        ClusterSnapshot.of(
            host("cold-1").build(),
            host("warm").cachedImages(Set.of("sha256:golden")).build(),
            host("cold-2").build());

    assertThat(((Placed) scheduler.place(cluster, REQUEST, 1)).hostId()).isEqualTo("warm");
  }

  @Test
  void spreadChoosesTheEmptiestHostAndPackTheFullest() {
    var cluster =
        ClusterSnapshot.of(
            host("busy").allocated(new Resources(8, 32 * GIB, 0)).build(), host("idle").build());
    var packingOnly = Map.of("packing", 1);

    var spread =
        Scheduler.withPolicy(POLICY.withWeights(packingOnly).withStrategy(Strategy.SPREAD));
    var pack = Scheduler.withPolicy(POLICY.withWeights(packingOnly).withStrategy(Strategy.PACK));

    assertThat(((Placed) spread.place(cluster, REQUEST, 1)).hostId()).isEqualTo("idle");
    assertThat(((Placed) pack.place(cluster, REQUEST, 1)).hostId()).isEqualTo("busy");
  }

  @Test
  void sameSeedGivesTheSameAnswer() {
    var cluster = cluster(500, i -> host("h" + i));
    var sampled = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(20));

    var first = sampled.place(cluster, REQUEST, 42);
    var again = sampled.place(cluster, REQUEST, 42);

    assertThat(again).isEqualTo(first);
  }

  @Test
  void stopsAfterTheSampleSizeOfFeasibleHosts() {
    var cluster = cluster(1000, i -> host("h" + i));

    var placed =
        (Placed) Scheduler.withPolicy(POLICY.withSampleSize(50)).place(cluster, REQUEST, 1);

    assertThat(placed.feasible()).isEqualTo(50);
    assertThat(placed.examined()).isEqualTo(50);
  }

  @Test
  void adaptiveSampleScoresEveryHostOfSmallClustersAndFivePercentOfLargeOnes() {
    assertThat(PlacementPolicy.DEFAULT.sampleSizeFor(80)).isEqualTo(80);
    assertThat(PlacementPolicy.DEFAULT.sampleSizeFor(1000)).isEqualTo(100);
    assertThat(PlacementPolicy.DEFAULT.sampleSizeFor(10_000)).isEqualTo(500);
  }

  @Test
  void batchAccountsForEarlierPlacementsOfTheSameBatch() {
    var cluster = cluster(3, i -> host("h" + i).capacity(8, 16 * GIB, 1000));

    var batch = scheduler.placeBatch(cluster, REQUEST, 13, 1);

    assertThat(batch.placed()).hasSize(12);
    assertThat(batch.unplaced()).isEqualTo(1);
    assertThat(batch.refusal().orElseThrow().explanation())
        .isEqualTo("0/3 hosts: 3 insufficient memory");
    Map<String, Long> perHost = new HashMap<>();
    batch.placed().forEach(p -> perHost.merge(p.hostId(), 1L, Long::sum));
    assertThat(perHost).containsOnly(Map.entry("h0", 4L), Map.entry("h1", 4L), Map.entry("h2", 4L));
  }

  @Test
  void batchWithOvercommitFillsExactlyToCapacityTimesRatio() {
    var cluster =
        cluster(
            2,
            i ->
                host("h" + i)
                    .capacity(64, 64 * GIB, 10_000)
                    .ratios(OvercommitRatios.of(4, 1.5, 1)));

    var batch = scheduler.placeBatch(cluster, REQUEST, 100, 1);

    assertThat(batch.placed()).hasSize(48);
  }

  @Test
  void newFiltersPlugInWithoutTouchingTheEngine() {
    Filter evenHostsOnly =
        new Filter() {
          @Override
          public String name() {
            return "even-only";
          }

          @Override
          public Optional<Rejection> check(HostView host, PlacementRequest request) {
            return host.host().id().endsWith("1") || host.host().id().endsWith("3")
                ? Optional.of(new Rejection("odd host"))
                : Optional.empty();
          }
        };
    var plugins = Plugins.standard(POLICY).withFilter(evenHostsOnly);
    var custom = new Scheduler(POLICY, plugins.filters(), plugins.scorers());

    var batch = custom.placeBatch(cluster(4, i -> host("h" + i)), REQUEST, 4, 1);

    assertThat(batch.placed()).extracting(Placed::hostId).containsOnly("h0", "h2");
  }

  @Test
  void rejectsNonsensePoliciesWithAClearMessage() {
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of("packing", 0)))
        .hasMessageContaining("At least one scorer needs a positive weight");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of("packing", 101)))
        .hasMessage("The weight of scorer 'packing' must be between 0 and 100, not 101");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withSampleSize(-1))
        .hasMessageContaining("sample size must be 0 (adaptive) or a positive number");
    assertThatThrownBy(
            () ->
                new Scheduler(
                    PlacementPolicy.DEFAULT.withWeights(Map.of("unknown", 1)),
                    Plugins.standard(POLICY).filters(),
                    Plugins.standard(POLICY).scorers()))
        .hasMessageContaining("has a positive weight");
  }

  private static ClusterSnapshot cluster(
      int hosts, java.util.function.IntFunction<HostSnapshot.Builder> host) {
    return new ClusterSnapshot(
        IntStream.range(0, hosts).mapToObj(i -> host.apply(i).build()).toList());
  }
}
