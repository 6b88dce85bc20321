package io.veneer.scheduler;

import io.veneer.scheduler.score.AntiAffinityScorer;
import io.veneer.scheduler.score.BalanceScorer;
import io.veneer.scheduler.score.ImageLocalityScorer;
import io.veneer.scheduler.score.PackingScorer;
import io.veneer.scheduler.score.UserDataLocalityScorer;
import java.util.Map;

/**
 * How the scheduler chooses among feasible hosts.
 *
 * @param strategy spread desktops over hosts, or pack them onto few
 * @param weights weight of each scorer by name, 0 to 100; a scorer without a weight counts 0 (the
 *     {@link Scheduler} rejects a weight for a scorer it does not run)
 * @param sampleSize stop after this many feasible hosts; 0 chooses adaptively ({@link
 *     #sampleSizeFor}: every host up to 100, then 5% of the hosts but at least 100)
 * @param deterministic examine hosts from the first instead of a random one, so the answer does not
 *     depend on the seed (for tests and reproducible runs)
 */
public record PlacementPolicy(
    Strategy strategy, Map<String, Integer> weights, int sampleSize, boolean deterministic) {

  /**
   * A user's user-data disk above all the rest together; then spread, image locality first, then
   * anti-affinity, then balance; adaptive sampling.
   */
  public static final PlacementPolicy DEFAULT =
      new PlacementPolicy(
          Strategy.SPREAD,
          Map.of(
              PackingScorer.NAME, 2,
              ImageLocalityScorer.NAME, 3,
              AntiAffinityScorer.NAME, 2,
              BalanceScorer.NAME, 1,
              UserDataLocalityScorer.NAME, 10),
          0,
          false);

  /** Spread desktops out or pack them in. */
  public enum Strategy {
    SPREAD,
    PACK
  }

  private static final int MIN_SAMPLE = 100;

  public PlacementPolicy {
    if (strategy == null) {
      throw new IllegalArgumentException("A placement policy needs a strategy: SPREAD or PACK");
    }
    weights = weights == null ? Map.of() : weights;
    int total = 0;
    for (Map.Entry<String, Integer> weight : weights.entrySet()) {
      if (weight.getKey() == null || weight.getKey().isBlank()) {
        throw new IllegalArgumentException("A weight needs the name of the scorer it weighs");
      }
      if (weight.getValue() == null || weight.getValue() < 0 || weight.getValue() > 100) {
        throw new IllegalArgumentException(
            "The weight of scorer '"
                + weight.getKey()
                + "' must be between 0 and 100, not "
                + weight.getValue());
      }
      total += weight.getValue();
    }
    weights = Map.copyOf(weights);
    if (total == 0) {
      throw new IllegalArgumentException(
          "At least one scorer needs a positive weight, or every feasible host would tie");
    }
    if (sampleSize < 0) {
      throw new IllegalArgumentException(
          "The sample size must be 0 (adaptive) or a positive number of hosts, not " + sampleSize);
    }
  }

  public PlacementPolicy withStrategy(Strategy newStrategy) {
    return new PlacementPolicy(newStrategy, weights, sampleSize, deterministic);
  }

  public PlacementPolicy withWeights(Map<String, Integer> newWeights) {
    return new PlacementPolicy(strategy, newWeights, sampleSize, deterministic);
  }

  public PlacementPolicy withSampleSize(int newSampleSize) {
    return new PlacementPolicy(strategy, weights, newSampleSize, deterministic);
  }

  public PlacementPolicy inDeterministicMode() {
    return new PlacementPolicy(strategy, weights, sampleSize, true);
  }

  public int weightOf(String scorer) {
    return weights.getOrDefault(scorer, 0);
  }

  /**
   * How many feasible hosts to score in a cluster of the given size: every host up to 100, then 5%
   * of the hosts but never fewer than 100. Desktops of a pool are uniform, so 100 random feasible
   * candidates already hold a host within a few percent of the best score (the reasoning of Borg's
   * relaxed randomisation; Nomad scores only log2(n)); kube-scheduler's adaptive default (50% -
   * n/125, i.e. 420 of 1,000) costs four times the work for little gain here. A policy with an
   * explicit sample size overrides this.
   */
  public int sampleSizeFor(int hosts) {
    if (sampleSize > 0) {
      return Math.min(sampleSize, hosts);
    }
    if (hosts <= MIN_SAMPLE) {
      return hosts;
    }
    return Math.max(MIN_SAMPLE, hosts / 20);
  }
}
