package io.veneer.controlplane.placement;

import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.scheduler.BatchResult;
import io.veneer.scheduler.PlacementPolicy;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.PlacementResult;
import io.veneer.scheduler.Scheduler;
import io.veneer.scheduler.cluster.ClusterSnapshot;
import io.veneer.scheduler.cluster.Resources;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/** The one place that speaks to the {@code scheduler} library. */
@Component
class DesktopScheduler {

  /**
   * What a desktop needs, in our terms.
   *
   * @param capabilities what its host's driver must be able to do ({@link HostCapabilities})
   * @param placement its pool's rules of which hosts it may run on
   * @param userDataHost the host holding its holder's user-data disk, preferred; empty for none
   */
  record Need(
      Resources size,
      String goldenDigest,
      String poolId,
      String userId,
      Set<String> capabilities,
      PoolPlacement placement,
      String userDataHost) {

    PlacementRequest request() {
      PlacementRequest request =
          PlacementRequest.of(size, goldenDigest, poolId)
              .withUserDataOn(userDataHost)
              .requiring(capabilities)
              .withLabels(placement.requiredLabels())
              .inZone(placement.requiredZone());
      // A pool that asks to be packed wants its desktops together: keeping them apart by pool
      // would outweigh the packing.
      return placement.ownStrategy().orElse(null) == PlacementPolicy.Strategy.PACK
          ? request.spreading(PlacementRequest.AntiAffinity.NONE)
          : request;
    }
  }

  private final PlacementPolicy.Strategy fleetStrategy;
  private final Map<PlacementPolicy.Strategy, Scheduler> schedulers =
      new EnumMap<>(PlacementPolicy.Strategy.class);

  DesktopScheduler(PlacementProperties properties) {
    this.fleetStrategy =
        PlacementPolicy.Strategy.valueOf(properties.strategy().toUpperCase(Locale.ROOT));
    for (PlacementPolicy.Strategy strategy : PlacementPolicy.Strategy.values()) {
      schedulers.put(
          strategy, Scheduler.withPolicy(PlacementPolicy.DEFAULT.withStrategy(strategy)));
    }
  }

  /** The scheduler of the need's pool: spreading or packing as the pool says, else as the fleet. */
  private Scheduler schedulerFor(Need need) {
    return schedulers.get(need.placement().ownStrategy().orElse(fleetStrategy));
  }

  PlacementResult choose(ClusterSnapshot snapshot, Need need) {
    PlacementRequest request = need.request().withUser(need.userId());
    // A random seed per call spreads racing replicas over equally good hosts.
    return schedulerFor(need).place(snapshot, request, ThreadLocalRandom.current().nextLong());
  }

  /**
   * Places {@code count} desktops of one pool together, each accounting for those before it. They
   * belong to different people (or nobody), so anti-affinity per person is left out of a batch.
   */
  BatchResult chooseMany(ClusterSnapshot snapshot, Need need, int count) {
    PlacementRequest request = need.request();
    return schedulerFor(need)
        .placeBatch(snapshot, request, count, ThreadLocalRandom.current().nextLong());
  }
}
