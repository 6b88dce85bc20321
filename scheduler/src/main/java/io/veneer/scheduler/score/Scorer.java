package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/**
 * Ranks a feasible host for a desktop from 0 (worst) to 100 (best). The engine multiplies each
 * score by the scorer's weight in the policy and divides by the sum of weights. Implementations
 * hold no mutable state and look at the given host only: a batch re-scores just the host that
 * received the last desktop.
 */
public interface Scorer {

  /** A short stable name: the key of its weight in the policy and of its score breakdown. */
  String name();

  double score(HostView host, PlacementRequest request);
}
