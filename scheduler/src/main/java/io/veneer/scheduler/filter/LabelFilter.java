package io.veneer.scheduler.filter;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;
import java.util.Map;
import java.util.Optional;

/** A host must carry every label the request requires, with the same value. */
public final class LabelFilter implements Filter {

  @Override
  public String name() {
    return "labels";
  }

  @Override
  public Optional<Rejection> check(HostView host, PlacementRequest request) {
    if (request.requiredLabels().isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> labels = host.host().labels();
    for (Map.Entry<String, String> required : request.requiredLabels().entrySet()) {
      if (!required.getValue().equals(labels.get(required.getKey()))) {
        return Optional.of(
            new Rejection(
                "missing-label", "missing label " + required.getKey() + "=" + required.getValue()));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean ignoresBatch() {
    return true;
  }
}
