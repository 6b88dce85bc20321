package io.veneer.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.veneer.scheduler.PlacementPolicy.Strategy;
import io.veneer.scheduler.PlacementRequest.AntiAffinity;
import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.score.Scorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants over random clusters (up to 30 hosts in every state, over- and under-committed, with
 * labels, zones, cached images and desktops), random requests and random policies. Tries are kept
 * modest so that the whole suite runs in seconds.
 */
class PlacementPropertiesTest {

  private static final String GOLDEN = "sha256:golden";

  @Property(tries = 200)
  void noBatchEverPushesAHostPastCapacityTimesRatio(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("requests") PlacementRequest request,
      @ForAll("policies") PlacementPolicy policy,
      @ForAll @IntRange(min = 1, max = 60) int count,
      @ForAll long seed) {
    var batch = Scheduler.withPolicy(policy).placeBatch(cluster, request, count, seed);

    Map<String, Resources> added = new HashMap<>();
    for (Placed placed : batch.placed()) {
      added.merge(placed.hostId(), request.size(), Resources::plus);
    }
    for (HostSnapshot host : cluster.hosts()) {
      if (added.containsKey(host.id())) {
        Resources total = host.allocated().plus(added.get(host.id()));
        Resources limit = host.limit();
        assertThat(host.state()).isEqualTo(HostState.UP);
        assertThat(total.vcpus()).isLessThanOrEqualTo(limit.vcpus());
        assertThat(total.memoryMib()).isLessThanOrEqualTo(limit.memoryMib());
        assertThat(total.diskGib()).isLessThanOrEqualTo(limit.diskGib());
        // The limit itself never exceeds capacity x ratio, computed here without the engine.
        assertThat(limit.memoryMib() * 1000)
            .isLessThanOrEqualTo(host.capacity().memoryMib() * host.ratios().memoryPermille());
      }
    }
    assertThat(batch.placed().size() + batch.unplaced()).isEqualTo(count);
    assertThat(batch.refusal().isPresent()).isEqualTo(batch.unplaced() > 0);
  }

  @Property(tries = 300)
  void everyRefusalsReasonsAddUpToTheHostCount(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("requests") PlacementRequest request,
      @ForAll("policies") PlacementPolicy policy,
      @ForAll long seed) {
    var scheduler = Scheduler.withPolicy(policy);
    List<Unschedulable> refusals = new ArrayList<>();
    if (scheduler.place(cluster, request, seed) instanceof Unschedulable refusal) {
      refusals.add(refusal);
    }
    scheduler.placeBatch(cluster, request, 40, seed).refusal().ifPresent(refusals::add);

    for (Unschedulable refusal : refusals) {
      assertThat(refusal.hosts()).isEqualTo(cluster.size());
      assertThat(refusal.reasons().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(cluster.size());
      assertThat(refusal.countsByCode().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(cluster.size());
      assertThat(List.copyOf(refusal.reasons().values()))
          .isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }
  }

  @Property(tries = 150)
  void placesOnAFeasibleHostWithTheBestScoreWhenEveryHostIsScored(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("requests") PlacementRequest request,
      @ForAll("policies") PlacementPolicy randomPolicy) {
    var policy = randomPolicy.withSampleSize(0).inDeterministicMode();
    var plugins = Plugins.standard(policy);

    var result = Scheduler.withPolicy(policy).place(cluster, request, 0);

    // Brute force: every host through every filter, every feasible host through every scorer.
    double best = Double.NEGATIVE_INFINITY;
    Map<String, Double> scores = new HashMap<>();
    for (HostSnapshot host : cluster.hosts()) {
      HostView view = HostView.of(host);
      boolean feasible = true;
      for (Filter filter : plugins.filters()) {
        feasible &= filter.check(view, request).isEmpty();
      }
      if (feasible) {
        double weighted = 0;
        double total = 0;
        for (Scorer scorer : plugins.scorers()) {
          weighted += policy.weightOf(scorer.name()) * scorer.score(view, request);
          total += policy.weightOf(scorer.name());
        }
        scores.put(host.id(), weighted / total);
        best = Math.max(best, weighted / total);
      }
    }
    if (scores.isEmpty()) {
      assertThat(result).isInstanceOf(Unschedulable.class);
    } else {
      var placed = (Placed) result;
      assertThat(scores).containsKey(placed.hostId());
      assertThat(placed.score()).isCloseTo(best, within(1e-9));
    }
  }

  @Property(tries = 100)
  void aBatchPlacesLikeOnePlacementAfterAnother(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("requests") PlacementRequest request,
      @ForAll("policies") PlacementPolicy randomPolicy,
      @ForAll @IntRange(min = 1, max = 25) int count) {
    // With every host scored and no random start, the batch's ledger and re-scoring shortcuts
    // must give exactly what placing one desktop at a time on an updated snapshot gives.
    var scheduler = Scheduler.withPolicy(randomPolicy.withSampleSize(0).inDeterministicMode());

    var batch = scheduler.placeBatch(cluster, request, count, 0);

    List<String> sequence = new ArrayList<>();
    List<Double> sequenceScores = new ArrayList<>();
    Unschedulable lastRefusal = null;
    ClusterSnapshot current = cluster;
    for (int i = 0; i < count; i++) {
      var result = scheduler.place(current, request, 0);
      if (result instanceof Unschedulable refusal) {
        lastRefusal = refusal;
        break;
      }
      var placed = (Placed) result;
      sequence.add(placed.hostId());
      sequenceScores.add(placed.score());
      current = withDesktop(current, placed.hostId(), request, i);
    }
    assertThat(batch.placed()).extracting(Placed::hostId).isEqualTo(sequence);
    assertThat(batch.placed()).extracting(Placed::score).isEqualTo(sequenceScores);
    assertThat(batch.unplaced()).isEqualTo(count - sequence.size());
    assertThat(batch.refusal().orElse(null)).isEqualTo(lastRefusal);
  }

  @Property(tries = 100)
  void placementIsDeterministicUnderASeed(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("requests") PlacementRequest request,
      @ForAll long seed) {
    var scheduler = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(3));

    assertThat(scheduler.place(cluster, request, seed))
        .isEqualTo(scheduler.place(cluster, request, seed));
    assertThat(scheduler.placeBatch(cluster, request, 5, seed))
        .isEqualTo(scheduler.placeBatch(cluster, request, 5, seed));
  }

  @Provide
  Arbitrary<ClusterSnapshot> clusters() {
    return hosts()
        .list()
        .ofMinSize(0)
        .ofMaxSize(30)
        .uniqueElements(HostSnapshot::id)
        .map(ClusterSnapshot::new);
  }

  @Provide
  Arbitrary<PlacementRequest> requests() {
    Arbitrary<Resources> sizes =
        Combinators.combine(
                Arbitraries.longs().between(1, 8),
                Arbitraries.longs().between(512, 16_384),
                Arbitraries.longs().between(1, 100))
            .as(Resources::new);
    return Combinators.combine(
            sizes,
            Arbitraries.of(GOLDEN, "sha256:other"),
            Arbitraries.of("pool-1", "pool-2"),
            Arbitraries.of("", "alice", "bob"),
            Arbitraries.of(Map.<String, String>of(), Map.of("gpu", "true")),
            Arbitraries.of("", "zone-a"),
            Arbitraries.of(AntiAffinity.class),
            Arbitraries.of(Set.<String>of(), Set.of("display")))
        .as(
            (size, golden, pool, user, labels, zone, scope, capabilities) ->
                new PlacementRequest(
                    size, golden, pool, user, labels, zone, scope, capabilities, ""));
  }

  @Provide
  Arbitrary<PlacementPolicy> policies() {
    Arbitrary<Map<String, Integer>> weights =
        Combinators.combine(
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 5))
            .as(
                (packing, locality, affinity, balance) ->
                    Map.of(
                        "packing", packing,
                        "image-locality", locality,
                        "anti-affinity", affinity,
                        "balance", balance));
    return Combinators.combine(
            Arbitraries.of(Strategy.class),
            weights,
            Arbitraries.integers().between(0, 10),
            Arbitraries.of(true, false))
        .as(PlacementPolicy::new);
  }

  private Arbitrary<HostSnapshot> hosts() {
    Arbitrary<Resources> capacity =
        Combinators.combine(
                Arbitraries.longs().between(1, 64),
                Arbitraries.longs().between(1024, 256 * 1024),
                Arbitraries.longs().between(10, 2000))
            .as(Resources::new);
    Arbitrary<OvercommitRatios> ratios =
        Combinators.combine(
                Arbitraries.integers().between(1000, 8000),
                Arbitraries.integers().between(1000, 2000),
                Arbitraries.integers().between(1000, 1500))
            .as(OvercommitRatios::new);
    // Up to 20% past the limit: snapshots can show hosts overcommitted before a ratio was lowered.
    Arbitrary<Double> fill = Arbitraries.doubles().between(0, 1.2);
    Arbitrary<List<PlacedDesktop>> desktops =
        Combinators.combine(
                Arbitraries.of("pool-1", "pool-2", "pool-3"), Arbitraries.of("", "alice", "bob"))
            .as((pool, user) -> new PlacedDesktop("d", pool, user))
            .list()
            .ofMaxSize(4);
    Arbitrary<Map<String, String>> labels =
        Arbitraries.of(Map.of(), Map.of("gpu", "true"), Map.of("gpu", "false"));
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6),
            Arbitraries.of(HostState.class),
            capacity,
            ratios,
            fill,
            Arbitraries.of(Set.<String>of(), Set.of(GOLDEN)),
            desktops,
            Combinators.combine(labels, Arbitraries.of("", "zone-a", "zone-b")).as(Where::new))
        .as(
            (id, state, cap, ratio, load, images, placed, where) -> {
              Resources limit = ratio.limitOf(cap);
              return HostSnapshot.builder(id)
                  .state(state)
                  .capacity(cap)
                  .ratios(ratio)
                  .allocated(
                      new Resources(
                          (long) (limit.vcpus() * load),
                          (long) (limit.memoryMib() * load),
                          (long) (limit.diskGib() * load)))
                  .cachedImages(images)
                  .desktops(placed)
                  .labels(where.labels())
                  .zone(where.zone())
                  .build();
            });
  }

  private record Where(Map<String, String> labels, String zone) {}

  /** The cluster after one more desktop of the request landed on the host. */
  private static ClusterSnapshot withDesktop(
      ClusterSnapshot cluster, String hostId, PlacementRequest request, int n) {
    List<HostSnapshot> hosts = new ArrayList<>();
    for (HostSnapshot host : cluster.hosts()) {
      if (!host.id().equals(hostId)) {
        hosts.add(host);
        continue;
      }
      List<PlacedDesktop> desktops = new ArrayList<>(host.desktops());
      desktops.add(new PlacedDesktop("new-" + n, request.poolId(), request.userId()));
      hosts.add(
          HostSnapshot.builder(host.id())
              .state(host.state())
              .labels(host.labels())
              .zone(host.zone())
              .capacity(host.capacity())
              .ratios(host.ratios())
              .allocated(host.allocated().plus(request.size()))
              .cachedImages(host.cachedImages())
              .desktops(desktops)
              .build());
    }
    return new ClusterSnapshot(hosts);
  }
}
