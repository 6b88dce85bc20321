package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.HostState;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Only hosts that are up take new desktops. */
public final class HostStateFilter implements Filter {

  private static final Map<HostState, Optional<Rejection>> VERDICTS =
      new EnumMap<>(HostState.class);

  static {
    for (HostState state : HostState.values()) {
      VERDICTS.put(
          state,
          state == HostState.UP
              ? Optional.empty()
              : Optional.of(new Rejection(state.code(), state.phrase())));
    }
  }

  @Override
  public String name() {
    return "host-state";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    return VERDICTS.get(host.state());
  }

  @Override
  public boolean ignoresBatch() {
    return true;
  }
}
