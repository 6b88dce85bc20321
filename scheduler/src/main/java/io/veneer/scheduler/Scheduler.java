package io.veneer.scheduler;

import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.HostSnapshot;
import io.veneer.scheduler.filter.Filter;
import io.veneer.scheduler.filter.Rejection;
import io.veneer.scheduler.score.Scorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Chooses a host for a desktop: filters turn infeasible hosts away (counting why), scorers rank a
 * bounded sample of the feasible ones, the best wins. Pure: the same snapshot, request, policy and
 * seed always give the same answer.
 *
 * <pre>
 *   hosts (from a random start) ─► filters (first rejection counted) ─► feasible ─► scorers × weights
 *        └─ stop after K feasible (policy.sampleSizeFor)                            └─► best host
 * </pre>
 */
public final class Scheduler {

  private final PlacementPolicy policy;
  private final List<Filter> filters;
  private final List<Filter> batchIndependentFilters;
  private final List<Filter> batchDependentFilters;
  private final Scorer[] scorers;
  private final double[] weights;
  private final double totalWeight;

  public Scheduler(PlacementPolicy policy, List<Filter> filters, List<Scorer> scorers) {
    this.policy = policy;
    this.filters = List.copyOf(filters);
    this.batchIndependentFilters = this.filters.stream().filter(Filter::ignoresBatch).toList();
    this.batchDependentFilters =
        this.filters.stream().filter(filter -> !filter.ignoresBatch()).toList();
    List<Scorer> weighted =
        scorers.stream().filter(scorer -> policy.weightOf(scorer.name()) > 0).toList();
    this.scorers = weighted.toArray(Scorer[]::new);
    this.weights = weighted.stream().mapToDouble(s -> policy.weightOf(s.name())).toArray();
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    if (sum == 0) {
      throw new IllegalArgumentException(
          "None of the scorers "
              + scorers.stream().map(Scorer::name).toList()
              + " has a positive weight in the policy "
              + policy.weights());
    }
    this.totalWeight = sum;
  }

  /** The standard filters and scorers ({@link Plugins#standard}) under the given policy. */
  public static Scheduler withPolicy(PlacementPolicy policy) {
    Plugins plugins = Plugins.standard(policy);
    return new Scheduler(policy, plugins.filters(), plugins.scorers());
  }

  public PlacementPolicy policy() {
    return policy;
  }

  /** Places one desktop. */
  public PlacementResult place(ClusterSnapshot cluster, PlacementRequest request, long seed) {
    return new Run(cluster, request, BatchLedger.EMPTY, new SplittableRandom(seed)).placeOne();
  }

  /**
   * Places {@code count} desktops of one request, each accounting for those placed before it.
   * Hosts' state, labels and zone are checked once for the whole batch.
   */
  public BatchResult placeBatch(
      ClusterSnapshot cluster, PlacementRequest request, int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("A batch cannot have " + count + " desktops");
    }
    BatchLedger ledger = BatchLedger.forBatch(cluster.size(), request);
    return new Run(cluster, request, ledger, new SplittableRandom(seed)).placeMany(count);
  }

  /** The state of one placement call or batch. */
  private final class Run {
    private final List<HostSnapshot> hosts;
    private final PlacementRequest request;
    private final BatchLedger ledger;
    private final SplittableRandom random;
    private final HostView view = new HostView();
    private final Optional<?>[] independentVerdicts;

    Run(
        ClusterSnapshot cluster,
        PlacementRequest request,
        BatchLedger ledger,
        SplittableRandom random) {
      this.hosts = cluster.hosts();
      this.request = request;
      this.ledger = ledger;
      this.random = random;
      // Only a batch sees a host more than once; a single placement would pay to fill the cache.
      this.independentVerdicts = ledger == BatchLedger.EMPTY ? null : new Optional<?>[hosts.size()];
    }

    PlacementResult placeOne() {
      int n = hosts.size();
      if (n == 0) {
        return new Unschedulable(0, Map.of());
      }
      int wanted = policy.sampleSizeFor(n);
      int start = policy.deterministic() ? 0 : random.nextInt(n);
      Map<String, int[]> rejections = new HashMap<>();
      int feasible = 0;
      int examined = 0;
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n && feasible < wanted; i++) {
        int index = start + i < n ? start + i : start + i - n;
        examined++;
        view.point(hosts.get(index), ledger, index);
        Optional<Rejection> rejection = check(index);
        if (rejection.isPresent()) {
          rejections.computeIfAbsent(rejection.get().reason(), reason -> new int[1])[0]++;
          continue;
        }
        feasible++;
        double score = weightedScore();
        if (score > bestScore) {
          bestScore = score;
          best = index;
        }
      }
      if (best < 0) {
        return new Unschedulable(n, byCountDescending(rejections));
      }
      return new Placed(hosts.get(best).id(), bestScore, breakdown(best), examined, feasible);
    }

    BatchResult placeMany(int count) {
      int n = hosts.size();
      List<Placed> placed = new ArrayList<>(count);
      PriorityQueue<Candidate> heap = new PriorityQueue<>(Candidate.BEST_FIRST);
      int wanted = Math.max(1, policy.sampleSizeFor(n));
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
                hosts.get(best.index()).id(),
                best.score(),
                breakdown(best.index()),
                scanned,
                heap.size() + 1));
        ledger.record(best.index(), request.size());
        view.point(hosts.get(best.index()), ledger, best.index());
        if (check(best.index()).isEmpty()) {
          heap.add(new Candidate(best.index(), best.order(), weightedScore()));
        }
      }
      return new BatchResult(placed, 0, Optional.empty());
    }

    private int extendSample(PriorityQueue<Candidate> heap, int start, int scanned, int wanted) {
      int n = hosts.size();
      int added = 0;
      while (scanned < n && added < wanted) {
        int index = start + scanned < n ? start + scanned : start + scanned - n;
        scanned++;
        view.point(hosts.get(index), ledger, index);
        if (check(index).isEmpty()) {
          heap.add(new Candidate(index, scanned, weightedScore()));
          added++;
        }
      }
      return scanned;
    }

    @SuppressWarnings("unchecked")
    private Optional<Rejection> check(int index) {
      if (independentVerdicts == null) {
        Optional<Rejection> rejection = firstRejection(batchIndependentFilters);
        return rejection.isPresent() ? rejection : firstRejection(batchDependentFilters);
      }
      Optional<Rejection> independent = (Optional<Rejection>) independentVerdicts[index];
      if (independent == null) {
        independent = firstRejection(batchIndependentFilters);
        independentVerdicts[index] = independent;
      }
      return independent.isPresent() ? independent : firstRejection(batchDependentFilters);
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
      view.point(hosts.get(index), ledger, index);
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

  private static Map<String, Integer> byCountDescending(Map<String, int[]> counts) {
    Map<String, Integer> ordered = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(
            Comparator.comparingInt((Map.Entry<String, int[]> e) -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey))
        .forEach(e -> ordered.put(e.getKey(), e.getValue()[0]));
    return ordered;
  }
}
