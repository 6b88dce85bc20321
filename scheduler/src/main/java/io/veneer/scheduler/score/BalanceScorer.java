package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/**
 * Prefers hosts whose CPU and memory utilisation stay close after placement, so neither runs out
 * while the other is stranded.
 */
public final class BalanceScorer implements Scorer {

  public static final String NAME = "balance";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(HostView host, PlacementRequest request) {
    return 100
        * (1 - Math.abs(host.cpuUtilizationAfter(request) - host.memoryUtilizationAfter(request)));
  }
}
