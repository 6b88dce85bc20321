package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/**
 * Prefers hosts that already cache the golden image: there the clone is an O(1) overlay, elsewhere
 * it waits for a multi-GiB fetch first.
 */
public final class ImageLocalityScorer implements Scorer {

  public static final String NAME = "image-locality";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(HostView host, PlacementRequest request) {
    return host.cachesImage(request.goldenImageDigest()) ? 100 : 0;
  }
}
