package io.veneer.scheduler;

import io.veneer.scheduler.PlacementResult.Placed;
import io.veneer.scheduler.PlacementResult.Unschedulable;
import java.util.List;
import java.util.Optional;

/**
 * The answer to a batch: the desktops placed, in order, and when not all of them could be, why the
 * rest could not.
 *
 * @param placed one placement per desktop placed
 * @param unplaced how many desktops of the batch found no host
 * @param refusal why, when {@code unplaced > 0}
 */
public record BatchResult(List<Placed> placed, int unplaced, Optional<Unschedulable> refusal) {

  public BatchResult {
    placed = List.copyOf(placed);
  }
}
