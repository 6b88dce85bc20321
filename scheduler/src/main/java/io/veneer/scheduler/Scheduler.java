package io.veneer.scheduler;

import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.filter.Rejection;
import io.veneer.scheduler.score.Scorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Chooses a host for a desktop: filters turn infeasible hosts away (counting why), scorers rank a
 * bounded sample of the feasible ones, the best wins. Pure: the same snapshot, request, policy and
 * seed always give the same answer. Immutable and safe to share between threads: each call keeps
 * its working state to itself.
 *
 * <pre>
 *   hosts (from a random start) ─► filters (first rejection counted) ─► feasible ─► scorers × weights
 *        └─ stop after K feasible (policy.sampleSizeFor)                            └─► best host
 * </pre>
 */
public final class Scheduler {

  private final PlacementPolicy policy;
  private final List<Filter> filters;
  private final List<Filter> batchDependentFilters;
  private final Scorer[] scorers;
  private final double[] weights;
  private final double totalWeight;

  /**
   * A scheduler running the given plugins, in order, under the policy.
   *
   * @throws IllegalArgumentException when the policy weighs a scorer that is not among {@code
   *     scorers} (a typo would otherwise be ignored silently) or no scorer ends up with a weight
   */
  public Scheduler(PlacementPolicy policy, List<Filter> filters, List<Scorer> scorers) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.filters = List.copyOf(filters);
    this.batchDependentFilters =
        this.filters.stream().filter(filter -> !filter.ignoresBatch()).toList();
    List<String> names = scorers.stream().map(Scorer::name).toList();
    for (String weighed : new TreeSet<>(policy.weights().keySet())) {
      if (!names.contains(weighed)) {
        throw new IllegalArgumentException(
            "The policy gives a weight to scorer '"
                + weighed
                + "', which this scheduler does not run; its scorers are "
                + names);
      }
    }
    List<Scorer> weighted =
        scorers.stream().filter(scorer -> policy.weightOf(scorer.name()) > 0).toList();
    if (weighted.isEmpty()) {
      throw new IllegalArgumentException(
          "None of the scorers "
              + names
              + " has a positive weight in the policy "
              + policy.weights());
    }
    this.scorers = weighted.toArray(Scorer[]::new);
    this.weights = weighted.stream().mapToDouble(s -> policy.weightOf(s.name())).toArray();
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    this.totalWeight = sum;
  }

  /** The standard filters and scorers ({@link Plugins#standard}) under the default policy. */
  public static Scheduler withDefaults() {
    return withPolicy(PlacementPolicy.DEFAULT);
  }

  /** The standard filters and scorers ({@link Plugins#standard}) under the given policy. */
  public static Scheduler withPolicy(PlacementPolicy policy) {
    Plugins plugins = Plugins.standard(policy);
    return new Scheduler(policy, plugins.filters(), plugins.scorers());
  }

  public PlacementPolicy policy() {
    return policy;
  }

  /**
   * Places one desktop: examines hosts from a seeded random start (the first host in deterministic
   * mode) until the policy's sample of feasible hosts is scored, and returns the best, or, when no
   * host is feasible, every host's first rejection counted per reason.
   */
  public PlacementResult place(ClusterSnapshot cluster, PlacementRequest request, long seed) {
    return new Run(cluster, request, BatchLedger.EMPTY, new SplittableRandom(seed)).placeOne();
  }

  /**
   * Places {@code count} desktops of one request (a boot storm of one pool), each accounting for
   * those placed before it. One sample of at least {@code count} feasible hosts is scored once;
   * after each placement only the host that received the desktop is checked again, by the filters
   * that do not ignore batches (resource fit), and scored again.
   */
  public BatchResult placeBatch(
      ClusterSnapshot cluster, PlacementRequest request, int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("A batch cannot have " + count + " desktops");
    }
    BatchLedger ledger = BatchLedger.forBatch(Math.min(count, cluster.size()), request);
    return new Run(cluster, request, ledger, new SplittableRandom(seed)).placeMany(count);
  }

  /** The state of one placement call or batch. */
  private final class Run {
    private final ClusterSnapshot cluster;
    private final PlacementRequest request;
    private final BatchLedger ledger;
    private final SplittableRandom random;
    private final HostView view;

    Run(
        ClusterSnapshot cluster,
        PlacementRequest request,
        BatchLedger ledger,
        SplittableRandom random) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      this.request = Objects.requireNonNull(request, "request");
      this.ledger = ledger;
      this.random = random;
      this.view = new HostView(cluster, ledger);
    }

    PlacementResult placeOne() {
      int n = cluster.size();
      if (n == 0) {
        return new Unschedulable(0, Map.of());
      }
      int wanted = policy.sampleSizeFor(n);
      int start = policy.deterministic() ? 0 : random.nextInt(n);
      Map<Rejection, int[]> rejections = new HashMap<>();
      int feasible = 0;
      int examined = 0;
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n && feasible < wanted; i++) {
        int index = start + i < n ? start + i : start + i - n;
        examined++;
        view.point(index);
        Optional<Rejection> rejection = firstRejection(filters);
        if (rejection.isPresent()) {
          rejections.computeIfAbsent(rejection.get(), reason -> new int[1])[0]++;
          continue;
        }
        feasible++;
        double score = weightedScore();
        // The first feasible host always counts, so a scorer answering NaN cannot turn a feasible
        // cluster into a refusal whose counts do not add up.
        if (best < 0 || score > bestScore) {
          bestScore = score;
          best = index;
        }
      }
      if (best < 0) {
        return new Unschedulable(n, byCountDescending(rejections));
      }
      return new Placed(cluster.host(best).id(), bestScore, breakdown(best), examined, feasible);
    }

    BatchResult placeMany(int count) {
      int n = cluster.size();
      List<Placed> placed = new ArrayList<>(count);
      PriorityQueue<Candidate> heap = new PriorityQueue<>(Candidate.BEST_FIRST);
      // A sample smaller than the batch would crowd a large boot storm onto a few hosts that
      // independent placements, each from its own random start, would have spread out.
      int wanted = Math.max(1, Math.max(policy.sampleSizeFor(n), Math.min(n, count)));
      int start = n == 0 || policy.deterministic() ? 0 : random.nextInt(n);
      int scanned = 0;
      for (int i = 0; i < count; i++) {
        if (heap.isEmpty()) {
          scanned = extendSample(heap, start, scanned, wanted);
        }
        Candidate best = heap.poll();
        if (best == null) {
          // Every host was examined and none can take another desktop: a full scan explains why.
          return new BatchResult(placed, count - i, Optional.of((Unschedulable) placeOne()));
        }
        placed.add(
            new Placed(
                cluster.host(best.index()).id(),
                best.score(),
                breakdown(best.index()),
                scanned,
                heap.size() + 1));
        ledger.record(best.index(), request.size());
        view.point(best.index());
        // It passed every filter before; only those that depend on the batch can change their mind.
        if (firstRejection(batchDependentFilters).isEmpty()) {
          heap.add(new Candidate(best.index(), best.order(), weightedScore()));
        }
      }
      return new BatchResult(placed, 0, Optional.empty());
    }

    private int extendSample(PriorityQueue<Candidate> heap, int start, int scanned, int wanted) {
      int n = cluster.size();
      int added = 0;
      while (scanned < n && added < wanted) {
        int index = start + scanned < n ? start + scanned : start + scanned - n;
        scanned++;
        view.point(index);
        if (firstRejection(filters).isEmpty()) {
          heap.add(new Candidate(index, scanned, weightedScore()));
          added++;
        }
      }
      return scanned;
    }

    private Optional<Rejection> firstRejection(List<Filter> chain) {
      for (Filter filter : chain) {
        Optional<Rejection> rejection = filter.check(view, request);
        if (rejection.isPresent()) {
          return rejection;
        }
      }
      return Optional.empty();
    }

    private double weightedScore() {
      double sum = 0;
      for (int s = 0; s < scorers.length; s++) {
        sum += weights[s] * scorers[s].score(view, request);
      }
      return sum / totalWeight;
    }

    private Map<String, Double> breakdown(int index) {
      view.point(index);
      Map<String, Double> scores = new LinkedHashMap<>();
      for (Scorer scorer : scorers) {
        scores.put(scorer.name(), scorer.score(view, request));
      }
      return scores;
    }
  }

  /** A scored feasible host of a batch's sample; ties go to the host scanned first. */
  private record Candidate(int index, int order, double score) {
    static final Comparator<Candidate> BEST_FIRST =
        Comparator.comparingDouble(Candidate::score).reversed().thenComparingInt(Candidate::order);
  }

  private static final Comparator<Map.Entry<Rejection, int[]>> MOST_FREQUENT_FIRST =
      Comparator.comparingInt((Map.Entry<Rejection, int[]> e) -> -e.getValue()[0])
          .thenComparing(e -> e.getKey().code())
          .thenComparing(e -> e.getKey().phrase());

  private static Map<Rejection, Integer> byCountDescending(Map<Rejection, int[]> counts) {
    Map<Rejection, Integer> ordered = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(MOST_FREQUENT_FIRST)
        .forEach(e -> ordered.put(e.getKey(), e.getValue()[0]));
    return ordered;
  }
}
