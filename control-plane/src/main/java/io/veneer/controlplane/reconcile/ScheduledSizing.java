package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.events.PoolEvents;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolSizing;
import io.veneer.controlplane.pools.PoolSpec;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The minimum size and warm spares a pool is kept at now, by its schedule on the control plane's
 * {@link Clock}. When they change (a period began or ended), the pool says so once: a {@code
 * io.veneer.pool.sizing-changed} event whose reason names the period, and the controller's grow or
 * shrink follows in the same pass.
 */
@Component
class ScheduledSizing {

  private static final Logger log = LoggerFactory.getLogger(ScheduledSizing.class);

  private final PoolEvents events;
  private final Clock clock;

  ScheduledSizing(PoolEvents events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  PoolSizing of(Pool pool) {
    PoolSpec spec = pool.spec();
    PoolSizing sizing =
        spec.power().schedule().sizingAt(clock.instant(), spec.minSize(), spec.warmSpares());
    // A pool that never had a schedule has nothing to announce.
    boolean announce = !spec.power().schedule().isEmpty() || pool.announcedSizing();
    if (announce && pool.sizedBy(sizing)) {
      events.changed(pool, "sizing-changed", 0, 0, "pool-controller", sizing.reason());
      log.info("event=pool.sizing-changed pool={} reason=\"{}\"", pool.id(), sizing.reason());
    }
    return sizing;
  }
}
