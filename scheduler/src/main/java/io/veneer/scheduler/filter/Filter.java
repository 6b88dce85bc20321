package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import java.util.Optional;

/**
 * Answers one question about a host: can it take this desktop at all? Implementations hold no
 * mutable state: one scheduler serves concurrent callers, and the engine calls a filter once per
 * examined host, so it should be cheap (return a constant {@code Optional} where the reason is
 * fixed).
 */
public interface Filter {

  /** A short stable name, for logs and the registry. */
  String name();

  /** Empty when the host passes; otherwise why it cannot take the desktop. */
  Optional<Rejection> check(HostView host, PlacementRequest request);

  /**
   * Whether the answer depends only on the host's snapshot and the request, not on what earlier
   * placements of a batch added. Within a batch the engine checks such filters once per host; only
   * the others run again on a host that has just received a desktop.
   */
  default boolean ignoresBatch() {
    return false;
  }
}
