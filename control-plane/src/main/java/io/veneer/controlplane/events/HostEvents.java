package io.veneer.controlplane.events;

import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.events.v1.HostEvent;
import io.veneer.outbox.Outbox;
import io.veneer.outbox.OutboxEvent;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** One outbox row per host state change, for {@code veneer.hosts.v1}, keyed by host id. */
@Component
public class HostEvents {

  public static final String TOPIC = "veneer.hosts.v1";

  private final Outbox outbox;

  HostEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  /** {@code from} is null for a host seen for the first time. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void stateChanged(
      String hostId, HostStatus from, HostStatus to, String reason, long version, String actor) {
    Instant at = Instant.now();
    UUID eventId = UUID.randomUUID();
    String type = from == null ? "io.veneer.host.registered" : "io.veneer.host.state-changed";
    HostEvent payload =
        HostEvent.newBuilder()
            .setHeader(EventHeaders.of(eventId, hostId, version, at, actor))
            .setType(type)
            .setFromState(from == null ? "" : from.name())
            .setToState(to.name())
            .setReason(reason)
            .build();
    outbox.append(
        new OutboxEvent(eventId, TOPIC, hostId, version, type, DesktopEvents.SOURCE, payload, at));
  }
}
