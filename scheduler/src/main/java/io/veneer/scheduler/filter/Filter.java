package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import java.util.Optional;

/** Answers one question about a host: can it take this desktop at all? */
public interface Filter {

  /** A short stable name, for logs and the registry. */
  String name();

  /** Empty when the host passes; otherwise why it cannot take the desktop. */
  Optional<Rejection> check(HostView host, PlacementRequest request);

  /**
   * Whether the answer depends only on the host's snapshot and the request, not on what earlier
   * placements of a batch added. The engine checks such filters once per host per batch.
   */
  default boolean ignoresBatch() {
    return false;
  }
}
