package io.veneer.portal.desktops;

import io.veneer.events.v1.DesktopEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * How long each desktop's last start took, from the events: from the request (or the start of a
 * stopped desktop, or the first boot step this replica saw) to RUNNING, by the control plane's own
 * timestamps. Kept in memory for the desktops this replica saw start; the control plane does not
 * store it (yet).
 */
@Component
public class StartTimes {

  private static final int REMEMBERED = 10_000;
  private static final Set<String> BOOTING =
      Set.of("REQUESTED", "SCHEDULED", "PROVISIONING", "STARTING", "REFRESHING");

  private final Map<UUID, Instant> startedAt = bounded();
  private final Map<UUID, Duration> took = bounded();

  /** Notes a desktop event's part in a start. */
  public synchronized void observe(DesktopEvent event, Instant occurredAt) {
    UUID id = UUID.fromString(event.getHeader().getAggregateId());
    String to = event.getToState();
    if (BOOTING.contains(to)) {
      // The first boot step this replica saw: normally the request itself.
      startedAt.putIfAbsent(id, occurredAt);
    } else if ("RUNNING".equals(to)) {
      Instant began = startedAt.remove(id);
      if (began != null) {
        took.put(id, Duration.between(began, occurredAt));
      }
    } else if (!BOOTING.contains(to)) {
      startedAt.remove(id); // stopped, failed or deleted before it ran
    }
  }

  public synchronized Optional<Duration> tookToStart(UUID desktopId) {
    return Optional.ofNullable(took.get(desktopId));
  }

  private static <V> Map<UUID, V> bounded() {
    return new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<UUID, V> eldest) {
        return size() > REMEMBERED;
      }
    };
  }
}
