package io.veneer.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants over random clusters, requests and batches. */
class PlacementPropertiesTest {

  @Property(tries = 200)
  void noBatchEverPushesAHostPastCapacityTimesRatio(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("sizes") Resources size,
      @ForAll @IntRange(min = 1, max = 60) int count,
      @ForAll long seed) {
    var request = PlacementRequest.of(size, "sha256:golden", "pool-1");

    var batch =
        Scheduler.withPolicy(PlacementPolicy.DEFAULT).placeBatch(cluster, request, count, seed);

    Map<String, Resources> added = new HashMap<>();
    for (Placed placed : batch.placed()) {
      added.merge(placed.hostId(), size, Resources::plus);
    }
    for (HostSnapshot host : cluster.hosts()) {
      Resources total = host.allocated().plus(added.getOrDefault(host.id(), Resources.ZERO));
      assertThat(total.vcpus())
          .isLessThanOrEqualTo(Math.max(host.limit().vcpus(), host.allocated().vcpus()));
      assertThat(total.memoryMib())
          .isLessThanOrEqualTo(Math.max(host.limit().memoryMib(), host.allocated().memoryMib()));
      assertThat(total.diskGib())
          .isLessThanOrEqualTo(Math.max(host.limit().diskGib(), host.allocated().diskGib()));
      if (added.containsKey(host.id())) {
        assertThat(host.state()).isEqualTo(HostState.UP);
        assertThat(total.memoryMib()).isLessThanOrEqualTo(host.limit().memoryMib());
      }
    }
    assertThat(batch.placed().size() + batch.unplaced()).isEqualTo(count);
  }

  @Property(tries = 300)
  void everyRefusalsReasonsAddUpToTheHostCount(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("sizes") Resources size,
      @ForAll long seed) {
    var result =
        Scheduler.withPolicy(PlacementPolicy.DEFAULT)
            .place(cluster, PlacementRequest.of(size, "sha256:golden", "pool-1"), seed);

    if (result instanceof Unschedulable refusal) {
      assertThat(refusal.hosts()).isEqualTo(cluster.size());
      assertThat(refusal.reasons().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(cluster.size());
    }
  }

  @Property(tries = 100)
  void placementIsDeterministicUnderASeed(
      @ForAll("clusters") ClusterSnapshot cluster,
      @ForAll("sizes") Resources size,
      @ForAll long seed) {
    var scheduler = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(3));
    var request = PlacementRequest.of(size, "sha256:golden", "pool-1");

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
  Arbitrary<Resources> sizes() {
    return Combinators.combine(
            Arbitraries.longs().between(1, 8),
            Arbitraries.longs().between(512, 16_384),
            Arbitraries.longs().between(1, 100))
        .as(Resources::new);
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
    Arbitrary<Double> fill = Arbitraries.doubles().between(0, 1.2);
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6),
            Arbitraries.of(HostState.class),
            capacity,
            ratios,
            fill,
            Arbitraries.of(java.util.Set.<String>of(), java.util.Set.of("sha256:golden")))
        .as(
            (id, state, cap, ratio, load, images) -> {
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
                  .build();
            });
  }
}
