package io.veneer.scheduler;

import static io.veneer.scheduler.Hosts.GIB;
import static io.veneer.scheduler.Hosts.host;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.veneer.scheduler.PlacementPolicy.Strategy;
import io.veneer.scheduler.PlacementRequest.AntiAffinity;
import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.ObservedMemory;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.filter.Rejection;
import io.veneer.scheduler.score.Scorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SchedulerTest {

  private static final Resources DESKTOP = new Resources(2, 4 * GIB, 20);
  private static final PlacementRequest REQUEST =
      PlacementRequest.of(DESKTOP, "sha256:golden", "pool-1");
  private static final PlacementPolicy POLICY = PlacementPolicy.DEFAULT.inDeterministicMode();

  private final Scheduler scheduler = Scheduler.withPolicy(POLICY);

  @Test
  void aBatchBorrowsBeyondPhysicalMemoryOnlyWhatTheGuestsReallyLeaveUnused() {
    // 64 GiB allocated in full at memory ratio 2.0; its guests use 44 of their 64 GiB.
    HostSnapshot idleGuests =
        host("h1")
            .ratios(OvercommitRatios.of(4.0, 2.0, 1.0))
            .allocated(new Resources(0, 64 * GIB, 0))
            .observedMemory(new ObservedMemory(64 * GIB, 44 * GIB))
            .build();
    HostSnapshot unreported =
        host("h1")
            .ratios(OvercommitRatios.of(4.0, 2.0, 1.0))
            .allocated(new Resources(0, 64 * GIB, 0))
            .build();

    assertThat(scheduler.placeBatch(ClusterSnapshot.of(idleGuests), REQUEST, 10, 0).placed())
        .as("20 GiB unused holds five 4 GiB desktops, not the ratio's sixteen")
        .hasSize(5);
    assertThat(scheduler.placeBatch(ClusterSnapshot.of(unreported), REQUEST, 20, 0).placed())
        .as("without a report the ratio alone decides, as before")
        .hasSize(16);
  }

  @ParameterizedTest
  @EnumSource(
      value = HostState.class,
      names = {"MAINTENANCE", "DRAINING", "FENCED", "DOWN"})
  void refusesPlacementWhenEveryHostIsOutOfService(HostState state) {
    var cluster = cluster(5, i -> host("h" + i).state(state));

    var result = scheduler.place(cluster, REQUEST, 1);

    assertThat(result).isInstanceOf(Unschedulable.class);
    assertThat(((Unschedulable) result).explanation()).isEqualTo("0/5 hosts: 5 " + state.phrase());
  }

  @Test
  void aDisplayPoolNeverLandsOnAHostWhoseDriverLacksADisplayAndIsRefusedWhereNoneHasOne() {
    var headless = host("headless").capabilities(Set.of("boot:disk", "firmware:bios"));
    var withDisplay =
        host("with-display").capabilities(Set.of("boot:disk", "firmware:bios", "display"));
    var needsDisplay = REQUEST.requiring(Set.of("boot:disk", "display"));

    for (long seed = 0; seed < 20; seed++) {
      var mixed = ClusterSnapshot.of(headless.build(), withDisplay.build());
      assertThat(Scheduler.withPolicy(PlacementPolicy.DEFAULT).place(mixed, needsDisplay, seed))
          .isInstanceOfSatisfying(
              Placed.class, p -> assertThat(p.hostId()).isEqualTo("with-display"));
    }
    var noDisplay =
        ClusterSnapshot.of(headless.build(), host("other").capabilities(Set.of()).build());
    assertThat(scheduler.place(noDisplay, needsDisplay, 1))
        .isInstanceOfSatisfying(
            Unschedulable.class,
            u ->
                assertThat(u.explanation())
                    .isEqualTo("0/2 hosts: 1 driver lacks boot:disk, 1 driver lacks display"));
  }

  /**
   * Each host is described by '+'-joined traits; a plain host is up, in zone-a, labelled gpu=true,
   * empty and able to take the request (gpu=true in zone-a). The answer is the chosen host or the
   * refusal's explanation.
   */
  @ParameterizedTest(name = "[{0}] -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          plain                               | h0
          maintenance, plain                  | h1
          full, no-cpu, plain                 | h2
          maintenance, maintenance            | 0/2 hosts: 2 in maintenance
          full, no-cpu, no-disk               | 0/3 hosts: 1 insufficient cpu, 1 insufficient disk, 1 insufficient memory
          no-gpu, zone-b, down, full          | 0/4 hosts: 1 down, 1 insufficient memory, 1 missing label gpu=true, 1 not in zone zone-a
          down+full, draining+no-gpu          | 0/2 hosts: 1 down, 1 draining
          zone-b+no-gpu+full                  | 0/1 hosts: 1 not in zone zone-a
          no-gpu+full, no-gpu, full           | 0/3 hosts: 2 missing label gpu=true, 1 insufficient memory
          fenced, fenced, fenced, no-disk     | 0/4 hosts: 3 fenced, 1 insufficient disk
          """)
  void choosesAFeasibleHostOrExplainsEachHostsFirstRejection(String hosts, String expected) {
    var specs = hosts.split(",");
    var cluster = cluster(specs.length, i -> described("h" + i, specs[i].trim()));
    var request = REQUEST.withLabels(Map.of("gpu", "true")).inZone("zone-a");

    var result = scheduler.place(cluster, request, 1);

    assertThat(
            switch (result) {
              case Placed placed -> placed.hostId();
              case Unschedulable refusal -> refusal.explanation();
            })
        .isEqualTo(expected);
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
        (Unschedulable)
            scheduler.place(
                new ClusterSnapshot(hosts), REQUEST.withLabels(Map.of("gpu", "true")), 7);

    assertThat(result.explanation())
        .isEqualTo(
            "0/40 hosts: 31 insufficient memory, 6 in maintenance, 3 missing label gpu=true");
    assertThat(result.reasons())
        .containsExactly(
            Map.entry(new Rejection("insufficient-memory", "insufficient memory"), 31),
            Map.entry(new Rejection("host-in-maintenance", "in maintenance"), 6),
            Map.entry(new Rejection("missing-label", "missing label gpu=true"), 3));
    assertThat(result.countsByCode())
        .containsExactly(
            Map.entry("insufficient-memory", 31),
            Map.entry("host-in-maintenance", 6),
            Map.entry("missing-label", 3));
  }

  @Test
  void countsEachMissingLabelApartButSumsThemByCode() {
    var cluster =
        ClusterSnapshot.of(
            host("a").labels(Map.of("gpu", "true")).build(),
            host("b").labels(Map.of("gpu", "true")).build(),
            host("c").labels(Map.of("ssd", "yes")).build());

    var result =
        (Unschedulable)
            scheduler.place(cluster, REQUEST.withLabels(Map.of("gpu", "true", "ssd", "yes")), 1);

    assertThat(result.explanation())
        .isEqualTo("0/3 hosts: 2 missing label ssd=yes, 1 missing label gpu=true");
    assertThat(result.countsByCode()).containsExactly(Map.entry("missing-label", 3));
  }

  @Test
  void explainsAnEmptyCluster() {
    var result = (Unschedulable) scheduler.place(new ClusterSnapshot(List.of()), REQUEST, 1);

    assertThat(result.explanation()).isEqualTo("0/0 hosts: no hosts are registered");
  }

  @Test
  void placesOnTheOnlyFeasibleHostWithItsScoreBreakdownInScorerOrder() {
    var cluster =
        ClusterSnapshot.of(
            host("down").state(HostState.DOWN).build(),
            host("up").cachedImages(Set.of("sha256:golden")).build());

    var placed = (Placed) scheduler.place(cluster, REQUEST, 1);

    assertThat(placed.hostId()).isEqualTo("up");
    assertThat(placed.breakdown().keySet())
        .containsExactly(
            "packing", "image-locality", "user-data-locality", "anti-affinity", "balance");
    assertThat(placed.breakdown())
        .containsEntry("image-locality", 100.0)
        .containsEntry("anti-affinity", 100.0);
    assertThat(placed.examined()).isEqualTo(2);
    assertThat(placed.feasible()).isEqualTo(1);
  }

  @Test
  void scoreIsTheWeightedMeanOfTheBreakdown() {
    var cluster = ClusterSnapshot.of(host("h").allocated(new Resources(4, 8 * GIB, 0)).build());

    var placed = (Placed) scheduler.place(cluster, REQUEST, 1);

    double weighted = 0;
    double total = 0;
    for (var entry : placed.breakdown().entrySet()) {
      weighted += POLICY.weightOf(entry.getKey()) * entry.getValue();
      total += POLICY.weightOf(entry.getKey());
    }
    assertThat(placed.score()).isCloseTo(weighted / total, within(1e-9));
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

  @ParameterizedTest(name = "{0} chooses {1}")
  @CsvSource({"SPREAD, idle", "PACK, busy"})
  void spreadChoosesTheEmptiestHostAndPackTheFullest(Strategy strategy, String expected) {
    var cluster =
        ClusterSnapshot.of(
            host("busy").allocated(new Resources(8, 32 * GIB, 0)).build(), host("idle").build());
    var policy = POLICY.withWeights(Map.of("packing", 1)).withStrategy(strategy);

    assertThat(((Placed) Scheduler.withPolicy(policy).place(cluster, REQUEST, 1)).hostId())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "spreading by {0} chooses {1}")
  @CsvSource({"POOL, h1", "USER, h0", "NONE, h0"})
  void antiAffinitySpreadsOnePoolsOrOneUsersDesktops(AntiAffinity scope, String expected) {
    // h0 runs another user's desktop of pool-1; h1 runs alice's desktop of another pool.
    var cluster =
        ClusterSnapshot.of(
            host("h0").desktops(List.of(new PlacedDesktop("d0", "pool-1", "bob"))).build(),
            host("h1").desktops(List.of(new PlacedDesktop("d1", "pool-2", "alice"))).build());
    var policy = POLICY.withWeights(Map.of("anti-affinity", 1));

    var placed =
        (Placed)
            Scheduler.withPolicy(policy)
                .place(cluster, REQUEST.withUser("alice").spreading(scope), 1);

    assertThat(placed.hostId()).isEqualTo(expected);
  }

  @Test
  void sameSeedGivesTheSameAnswer() {
    var cluster = cluster(500, i -> host("h" + i));
    var sampled = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(20));

    assertThat(sampled.place(cluster, REQUEST, 42)).isEqualTo(sampled.place(cluster, REQUEST, 42));
  }

  @Test
  void randomStartsSpreadIndependentPlacementsWhileDeterministicModeIgnoresTheSeed() {
    var cluster = cluster(500, i -> host("h" + i));
    var random = Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(20));
    var deterministic = Scheduler.withPolicy(POLICY.withSampleSize(20));

    Set<String> randomHosts = new HashSet<>();
    Set<String> deterministicHosts = new HashSet<>();
    LongStream.range(0, 10)
        .forEach(
            seed -> {
              randomHosts.add(((Placed) random.place(cluster, REQUEST, seed)).hostId());
              deterministicHosts.add(
                  ((Placed) deterministic.place(cluster, REQUEST, seed)).hostId());
            });

    assertThat(randomHosts).hasSizeGreaterThan(5);
    assertThat(deterministicHosts).containsExactly("h0");
  }

  @ParameterizedTest(name = "sample {0} of 1,000 identical hosts scores {0}")
  @CsvSource({"1", "50", "1000"})
  void stopsAfterTheSampleSizeOfFeasibleHosts(int sample) {
    var cluster = cluster(1000, i -> host("h" + i));

    var placed =
        (Placed) Scheduler.withPolicy(POLICY.withSampleSize(sample)).place(cluster, REQUEST, 1);

    assertThat(placed.feasible()).isEqualTo(sample);
    assertThat(placed.examined()).isEqualTo(sample);
  }

  @Test
  void keepsExaminingPastInfeasibleHostsUntilTheSampleIsFull() {
    var cluster =
        cluster(100, i -> host("h" + i).state(i % 2 == 0 ? HostState.DOWN : HostState.UP));

    var placed =
        (Placed) Scheduler.withPolicy(POLICY.withSampleSize(10)).place(cluster, REQUEST, 1);

    assertThat(placed.feasible()).isEqualTo(10);
    assertThat(placed.examined()).isEqualTo(20);
  }

  @ParameterizedTest(name = "{0} hosts -> sample {1}")
  @CsvSource({"1, 1", "80, 80", "100, 100", "1000, 100", "2000, 100", "5000, 250", "10000, 500"})
  void adaptiveSampleScoresEveryHostOfSmallClustersAndFivePercentOfLargeOnes(
      int hosts, int sample) {
    assertThat(PlacementPolicy.DEFAULT.sampleSizeFor(hosts)).isEqualTo(sample);
  }

  @Test
  void batchAccountsForEarlierPlacementsOfTheSameBatch() {
    var cluster = cluster(3, i -> host("h" + i).capacity(8, 16 * GIB, 1000));

    var batch = scheduler.placeBatch(cluster, REQUEST, 13, 1);

    assertThat(batch.placed()).hasSize(12);
    assertThat(batch.unplaced()).isEqualTo(1);
    assertThat(batch.refusal().orElseThrow().explanation())
        .isEqualTo("0/3 hosts: 3 insufficient memory");
    assertThat(perHost(batch))
        .containsOnly(Map.entry("h0", 4L), Map.entry("h1", 4L), Map.entry("h2", 4L));
  }

  @Test
  void batchWithOvercommitFillsExactlyToCapacityTimesRatio() {
    // 64 GiB at memory ratio 1.5 holds 96 GiB: 24 desktops of 4 GiB per host, not 16.
    var cluster =
        cluster(
            2,
            i ->
                host("h" + i)
                    .capacity(64, 64 * GIB, 10_000)
                    .ratios(OvercommitRatios.of(4, 1.5, 1)));

    var batch = scheduler.placeBatch(cluster, REQUEST, 100, 1);

    assertThat(batch.placed()).hasSize(48);
    assertThat(perHost(batch)).containsOnly(Map.entry("h0", 24L), Map.entry("h1", 24L));
    assertThat(batch.refusal().orElseThrow().explanation())
        .isEqualTo("0/2 hosts: 2 insufficient memory");
  }

  @Test
  void batchSpreadsOneUsersDesktopsWhenSpreadingByUser() {
    var cluster = cluster(4, i -> host("h" + i));
    var policy = POLICY.withWeights(Map.of("anti-affinity", 1));

    var batch =
        Scheduler.withPolicy(policy)
            .placeBatch(cluster, REQUEST.withUser("alice").spreading(AntiAffinity.USER), 8, 1);

    assertThat(perHost(batch).values()).containsOnly(2L);
  }

  @Test
  void largeBootStormsSpreadBeyondTheSample() {
    var cluster = cluster(1000, i -> host("h" + i));

    var batch =
        Scheduler.withPolicy(PlacementPolicy.DEFAULT.withSampleSize(10))
            .placeBatch(cluster, REQUEST, 200, 3);

    assertThat(batch.placed()).hasSize(200);
    assertThat(perHost(batch)).hasSize(200);
  }

  @Test
  void batchRefusedEverywhereExplainsWhyAndPlacesNothing() {
    var cluster = cluster(3, i -> host("h" + i).state(HostState.MAINTENANCE));

    var batch = scheduler.placeBatch(cluster, REQUEST, 5, 1);

    assertThat(batch.placed()).isEmpty();
    assertThat(batch.unplaced()).isEqualTo(5);
    assertThat(batch.refusal().orElseThrow().explanation())
        .isEqualTo("0/3 hosts: 3 in maintenance");
  }

  @Test
  void emptyBatchPlacesNothingAndANegativeOneIsRejected() {
    var cluster = cluster(3, i -> host("h" + i));

    assertThat(scheduler.placeBatch(cluster, REQUEST, 0, 1))
        .isEqualTo(new BatchResult(List.of(), 0, Optional.empty()));
    assertThatThrownBy(() -> scheduler.placeBatch(cluster, REQUEST, -1, 1))
        .hasMessage("A batch cannot have -1 desktops");
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
            int number = Integer.parseInt(host.host().id().substring(1));
            return number % 2 == 1
                ? Optional.of(new Rejection("odd-host", "odd host"))
                : Optional.empty();
          }
        };
    var plugins = Plugins.standard(POLICY).withFilter(evenHostsOnly);
    var custom = new Scheduler(POLICY, plugins.filters(), plugins.scorers());

    var batch = custom.placeBatch(cluster(4, i -> host("h" + i)), REQUEST, 4, 1);
    var refusal =
        (Unschedulable) custom.place(cluster(2, i -> host("h" + (2 * i + 1))), REQUEST, 1);

    assertThat(batch.placed()).extracting(Placed::hostId).containsOnly("h0", "h2");
    assertThat(refusal.explanation()).isEqualTo("0/2 hosts: 2 odd host");
  }

  @Test
  void newScorersPlugInWithoutTouchingTheEngine() {
    Scorer lastHostFirst =
        new Scorer() {
          @Override
          public String name() {
            return "last-host-first";
          }

          @Override
          public double score(HostView host, PlacementRequest request) {
            return host.host().id().equals("h3") ? 100 : 0;
          }
        };
    var policy = POLICY.withWeights(Map.of("last-host-first", 1));
    var plugins = Plugins.standard(policy).withScorer(lastHostFirst);

    var placed =
        (Placed)
            new Scheduler(policy, plugins.filters(), plugins.scorers())
                .place(cluster(4, i -> host("h" + i)), REQUEST, 1);

    assertThat(placed.hostId()).isEqualTo("h3");
    assertThat(placed.breakdown()).containsOnlyKeys("last-host-first");
  }

  @Test
  void aScorerAnsweringNanStillPlacesOnAFeasibleHost() {
    Scorer broken =
        new Scorer() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public double score(HostView host, PlacementRequest request) {
            return Double.NaN;
          }
        };
    var policy = POLICY.withWeights(Map.of("broken", 1));
    var plugins = Plugins.standard(policy).withScorer(broken);

    var result =
        new Scheduler(policy, plugins.filters(), plugins.scorers())
            .place(cluster(3, i -> host("h" + i)), REQUEST, 1);

    assertThat(result).isInstanceOf(Placed.class);
  }

  @Test
  void rejectsNonsensePoliciesWithAClearMessage() {
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of("packing", 0)))
        .hasMessageContaining("At least one scorer needs a positive weight");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of("packing", 101)))
        .hasMessage("The weight of scorer 'packing' must be between 0 and 100, not 101");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of("packing", -1)))
        .hasMessage("The weight of scorer 'packing' must be between 0 and 100, not -1");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withWeights(Map.of(" ", 1)))
        .hasMessage("A weight needs the name of the scorer it weighs");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withSampleSize(-1))
        .hasMessage("The sample size must be 0 (adaptive) or a positive number of hosts, not -1");
    assertThatThrownBy(() -> PlacementPolicy.DEFAULT.withStrategy(null))
        .hasMessage("A placement policy needs a strategy: SPREAD or PACK");
  }

  @Test
  void rejectsAWeightForAScorerItDoesNotRun() {
    assertThatThrownBy(
            () -> Scheduler.withPolicy(PlacementPolicy.DEFAULT.withWeights(Map.of("packnig", 1))))
        .hasMessage(
            "The policy gives a weight to scorer 'packnig', which this scheduler does not run;"
                + " its scorers are [packing, image-locality, user-data-locality, anti-affinity,"
                + " balance]");
  }

  @Test
  void prefersTheHostHoldingTheUsersDataDiskOverAnEmptierOneCachingTheImage() {
    var cluster =
        ClusterSnapshot.of(
            host("empty").cachedImages(Set.of("sha256:golden")).build(),
            host("with-disk").allocated(new Resources(12, 48 * GIB, 0)).build());

    var placed = (Placed) scheduler.place(cluster, REQUEST.withUserDataOn("with-disk"), 1);

    assertThat(placed.hostId()).isEqualTo("with-disk");
    assertThat(placed.breakdown()).containsEntry("user-data-locality", 100.0);
  }

  @Test
  void placesElsewhereWhenTheHostHoldingTheUsersDataDiskIsFull() {
    var cluster =
        ClusterSnapshot.of(
            host("other").build(),
            host("with-disk").allocated(new Resources(64, 256 * GIB, 0)).build());

    var placed = (Placed) scheduler.place(cluster, REQUEST.withUserDataOn("with-disk"), 1);

    assertThat(placed.hostId()).isEqualTo("other");
  }

  @Test
  void defaultsPlaceWithTheDefaultPolicy() {
    assertThat(Scheduler.withDefaults().policy()).isEqualTo(PlacementPolicy.DEFAULT);
    assertThat(Scheduler.withDefaults().place(cluster(3, i -> host("h" + i)), REQUEST, 1))
        .isInstanceOf(Placed.class);
  }

  private static Map<String, Long> perHost(BatchResult batch) {
    Map<String, Long> counts = new HashMap<>();
    batch.placed().forEach(p -> counts.merge(p.hostId(), 1L, Long::sum));
    return counts;
  }

  private static HostSnapshot.Builder described(String id, String traits) {
    var host = host(id).zone("zone-a").labels(Map.of("gpu", "true"));
    for (String trait : traits.split("\\+")) {
      switch (trait) {
        case "plain" -> {}
        case "full" -> host.allocated(new Resources(0, 64 * GIB, 0));
        case "no-cpu" -> host.allocated(new Resources(16, 0, 0));
        case "no-disk" -> host.allocated(new Resources(0, 0, 1000));
        case "no-gpu" -> host.labels(Map.of());
        case "zone-b" -> host.zone("zone-b");
        default -> host.state(HostState.valueOf(trait.toUpperCase(Locale.ROOT)));
      }
    }
    return host;
  }

  private static ClusterSnapshot cluster(int hosts, IntFunction<HostSnapshot.Builder> host) {
    return new ClusterSnapshot(
        IntStream.range(0, hosts).mapToObj(i -> host.apply(i).build()).toList());
  }
}
