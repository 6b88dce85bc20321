package io.veneer.portal.admin;

import io.veneer.portal.events.FleetEvent;
import io.veneer.portal.events.FleetEventListener;
import io.veneer.portal.web.SseSubscribers;
import jakarta.annotation.PreDestroy;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Tells open pool pages that one of their pool's desktops, or the pool, changed (from the Kafka
 * events), so the page reads the pool's rollout again instead of polling for it.
 */
@Component
class PoolWatch implements FleetEventListener {

  private final SseSubscribers<UUID> pages = new SseSubscribers<>();

  SseEmitter open(UUID pool) {
    return pages.open(pool);
  }

  @Override
  public void on(FleetEvent event) {
    String pool =
        switch (event) {
          case FleetEvent.DesktopChanged d -> d.event().getPoolId();
          case FleetEvent.PoolChanged p -> p.header().getAggregateId();
          case FleetEvent.HostChanged h -> "";
          case FleetEvent.ImageChanged i -> "";
        };
    if (pool.isEmpty()) {
      return;
    }
    pages.publish(
        watched ->
            watched.toString().equals(pool)
                ? SseEmitter.event().name("changed").data(event.header().getEventId())
                : null);
  }

  @PreDestroy
  void close() {
    pages.close();
  }
}
