package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/**
 * Prefers the host holding the user's user-data disk: elsewhere their desktop runs without their
 * files until the disk is moved. Weighted above every other scorer together, so that it loses only
 * when that host cannot take the desktop at all.
 */
public final class UserDataLocalityScorer implements Scorer {

  public static final String NAME = "user-data-locality";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(HostView host, PlacementRequest request) {
    return !request.userDataHost().isEmpty() && request.userDataHost().equals(host.host().id())
        ? 100
        : 0;
  }
}
