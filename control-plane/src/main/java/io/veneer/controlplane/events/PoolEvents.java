package io.veneer.controlplane.events;

import io.veneer.controlplane.pools.Pool;
import io.veneer.events.v1.PoolEvent;
import io.veneer.outbox.Outbox;
import io.veneer.outbox.OutboxEvent;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** One outbox row per pool change, for {@code veneer.pools.v1}, keyed by pool id. */
@Component
public class PoolEvents {

  public static final String TOPIC = "veneer.pools.v1";

  private final Outbox outbox;

  PoolEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * @param what {@code created}, {@code updated}, {@code deleting}, {@code deleted} or {@code
   *     sizing-changed}
   * @param total the pool's live desktops
   * @param current those of them on the pool's current golden version
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void changed(Pool pool, String what, int total, int current, String actor) {
    changed(pool, what, total, current, actor, "");
  }

  /**
   * As {@link #changed(Pool, String, int, int, String)}, saying why.
   *
   * @param reason why the pool controller changed it on its own ({@code PoolEvent.reason})
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void changed(Pool pool, String what, int total, int current, String actor, String reason) {
    Instant at = Instant.now();
    UUID eventId = UUID.randomUUID();
    String type = "io.veneer.pool." + what;
    long version = pool.version() + 1;
    PoolEvent payload =
        PoolEvent.newBuilder()
            .setHeader(EventHeaders.of(eventId, pool.id().toString(), version, at, actor))
            .setType(type)
            .setName(pool.name())
            .setGoldenImageVersionId(pool.spec().goldenVersion())
            .setDesktopsTotal(total)
            .setDesktopsCurrent(current)
            .setReason(reason)
            .build();
    outbox.append(
        new OutboxEvent(
            eventId,
            TOPIC,
            pool.id().toString(),
            version,
            type,
            DesktopEvents.SOURCE,
            payload,
            at));
  }
}
