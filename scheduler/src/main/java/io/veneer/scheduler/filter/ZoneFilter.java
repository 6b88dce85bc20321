package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import java.util.Optional;

/** A request pinned to a zone only goes to hosts in that zone. */
public final class ZoneFilter implements Filter {

  @Override
  public String name() {
    return "zone";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    if (request.requiredZone().isEmpty() || request.requiredZone().equals(host.host().zone())) {
      return Optional.empty();
    }
    return Optional.of(new Rejection("wrong-zone", "not in zone " + request.requiredZone()));
  }

  @Override
  public boolean ignoresBatch() {
    return true;
  }
}
