package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementPolicy.Strategy;
import io.veneer.scheduler.PlacementRequest;

/**
 * Spread prefers the emptiest host (fewer noisy neighbours, smaller blast radius); pack prefers the
 * fullest one that still fits (fewer hosts powered on). Uses the mean of CPU and memory utilisation
 * after placement.
 */
public final class PackingScorer implements Scorer {

  public static final String NAME = "packing";

  private final Strategy strategy;

  public PackingScorer(Strategy strategy) {
    this.strategy = strategy;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(HostView host, PlacementRequest request) {
    double utilization =
        (host.cpuUtilizationAfter(request) + host.memoryUtilizationAfter(request)) / 2;
    return switch (strategy) {
      case PACK -> 100 * utilization;
      case SPREAD -> 100 * (1 - utilization);
    };
  }
}
