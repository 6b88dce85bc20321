package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A host's hypervisor driver must be able to do everything the desktop needs (a display, a boot
 * source, a firmware, ...), or the desktop would be refused there or run otherwise than asked.
 */
public final class CapabilityFilter implements Filter {

  @Override
  public String name() {
    return "capabilities";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    if (request.requiredCapabilities().isEmpty()) {
      return Optional.empty();
    }
    Set<String> offered = host.host().capabilities();
    // Sorted, so that the same lack always reads (and is counted) the same way.
    for (String needed : new TreeSet<>(request.requiredCapabilities())) {
      if (!offered.contains(needed)) {
        return Optional.of(new Rejection("missing-capability", "driver lacks " + needed));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean ignoresBatch() {
    return true;
  }
}
