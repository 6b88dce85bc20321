package io.veneer.portal.events;

import com.google.protobuf.Timestamp;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.events.v1.EventHeader;
import io.veneer.events.v1.HostEvent;
import io.veneer.events.v1.ImageEvent;
import io.veneer.events.v1.PoolEvent;
import java.time.Instant;

/** One event from the {@code veneer.*.v1} topics, by kind. */
public sealed interface FleetEvent {

  EventHeader header();

  /** A sentence for the admin's live feed. */
  String summary();

  default Instant occurredAt() {
    Timestamp at = header().getOccurredAt();
    return Instant.ofEpochSecond(at.getSeconds(), at.getNanos());
  }

  record DesktopChanged(DesktopEvent event) implements FleetEvent {
    @Override
    public EventHeader header() {
      return event.getHeader();
    }

    @Override
    public String summary() {
      return "Desktop "
          + event.getHeader().getAggregateId()
          + " "
          + transition(event.getFromState(), event.getToState())
          + (event.getAssignedUser().isEmpty() ? "" : " (user " + event.getAssignedUser() + ")")
          + (event.getHostId().isEmpty() ? "" : " on " + event.getHostId())
          + reason(event.getReason());
    }
  }

  record HostChanged(HostEvent event) implements FleetEvent {
    @Override
    public EventHeader header() {
      return event.getHeader();
    }

    @Override
    public String summary() {
      return "Host "
          + event.getHeader().getAggregateId()
          + " "
          + shortType(event.getType())
          + " "
          + transition(event.getFromState(), event.getToState())
          + reason(event.getReason());
    }
  }

  record PoolChanged(PoolEvent event) implements FleetEvent {
    @Override
    public EventHeader header() {
      return event.getHeader();
    }

    @Override
    public String summary() {
      return "Pool "
          + event.getName()
          + " "
          + shortType(event.getType())
          + ": "
          + event.getDesktopsCurrent()
          + " of "
          + event.getDesktopsTotal()
          + " desktops on version "
          + event.getGoldenImageVersionId();
    }
  }

  record ImageChanged(ImageEvent event) implements FleetEvent {
    @Override
    public EventHeader header() {
      return event.getHeader();
    }

    @Override
    public String summary() {
      return "Image "
          + event.getHeader().getAggregateId()
          + (event.getVersionNumber() > 0 ? " version " + event.getVersionNumber() : "")
          + " "
          + transition(event.getFromState(), event.getToState())
          + reason(event.getReason());
    }
  }

  private static String transition(String from, String to) {
    if (to.isEmpty()) {
      return "changed";
    }
    return from.isEmpty() ? "is " + to : from + " \u2192 " + to;
  }

  private static String reason(String reason) {
    return reason.isEmpty() ? "" : ": " + reason;
  }

  /** "io.veneer.pool.roll-started" reads as "roll-started". */
  private static String shortType(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }
}
