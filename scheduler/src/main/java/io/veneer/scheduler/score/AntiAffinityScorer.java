package io.veneer.scheduler.score;

import io.veneer.scheduler.HostView;
import io.veneer.scheduler.PlacementRequest;

/**
 * Spreads one pool's (or one user's) desktops across hosts, so that losing a host takes out few
 * desktops of any one pool or person: 100 on a host with none of them, halving-ish with each.
 */
public final class AntiAffinityScorer implements Scorer {

  public static final String NAME = "anti-affinity";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double score(HostView host, PlacementRequest request) {
    int neighbours =
        switch (request.antiAffinity()) {
          case NONE -> 0;
          case POOL -> host.desktopsOfPool(request.poolId());
          case USER -> host.desktopsOfUser(request.userId());
        };
    return 100.0 / (1 + neighbours);
  }
}
