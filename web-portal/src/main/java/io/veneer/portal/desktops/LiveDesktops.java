package io.veneer.portal.desktops;

import io.veneer.events.v1.DesktopEvent;
import io.veneer.portal.events.FleetEvent;
import io.veneer.portal.events.FleetEventListener;
import io.veneer.portal.web.SseSubscribers;
import jakarta.annotation.PreDestroy;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Each person's open "my desktops" pages, kept current from {@code veneer.desktops.v1}: an event
 * about a desktop assigned to the person sends its row again (event {@code desktop}); an event that
 * takes a shown desktop away from them (released at logoff, deleted) removes it (event {@code
 * desktop-gone}). Nobody sees a row of a desktop that is not theirs.
 */
@Component
public class LiveDesktops implements FleetEventListener {

  private final SseSubscribers<Viewer> viewers = new SseSubscribers<>();
  private final StartTimes startTimes;
  private final RowRenderer rows;

  LiveDesktops(StartTimes startTimes, RowRenderer rows) {
    this.startTimes = startTimes;
    this.rows = rows;
  }

  /**
   * One open page: whose (the person's subject, as desktops' owners are named), which desktops it
   * shows, and the pools they come from.
   */
  private record Viewer(String subject, Set<UUID> shown, Map<UUID, ShownPool> pools) {}

  SseEmitter open(String subject, Collection<UUID> shown, Map<UUID, ShownPool> pools) {
    Set<UUID> rowsShown = ConcurrentHashMap.newKeySet();
    rowsShown.addAll(shown);
    return viewers.open(new Viewer(subject, rowsShown, Map.copyOf(pools)));
  }

  @Override
  public void on(FleetEvent event) {
    if (!(event instanceof FleetEvent.DesktopChanged changed)) {
      return;
    }
    DesktopEvent desktop = changed.event();
    startTimes.observe(desktop, event.occurredAt());
    UUID id = UUID.fromString(desktop.getHeader().getAggregateId());
    boolean gone = "DELETED".equals(desktop.getToState());
    viewers.publish(
        viewer -> {
          if (!gone && viewer.subject().equals(desktop.getAssignedUser())) {
            viewer.shown().add(id);
            return SseEmitter.event().name("desktop").data(rows.render(row(id, desktop, viewer)));
          }
          if (viewer.shown().remove(id)) {
            return SseEmitter.event().name("desktop-gone").data("desktop-" + id);
          }
          return null;
        });
  }

  private DesktopRow row(UUID id, DesktopEvent desktop, Viewer viewer) {
    UUID poolId = desktop.getPoolId().isEmpty() ? null : UUID.fromString(desktop.getPoolId());
    ShownPool pool =
        poolId == null
            ? ShownPool.unknown("")
            : viewer.pools().getOrDefault(poolId, ShownPool.unknown(desktop.getPoolId()));
    return new DesktopRow(
        id,
        pool.name(),
        desktop.getToState(),
        desktop.getHostId(),
        desktop.getReason(),
        startTimes.tookToStart(id).orElse(null),
        pool.offersUpdateFrom(desktop.getGoldenImageVersionId()));
  }

  @PreDestroy
  void close() {
    viewers.close();
  }
}
