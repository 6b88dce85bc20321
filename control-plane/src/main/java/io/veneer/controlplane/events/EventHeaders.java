package io.veneer.controlplane.events;

import com.google.protobuf.Timestamp;
import io.veneer.events.v1.EventHeader;
import java.time.Instant;
import java.util.UUID;

/** The header every event carries, built one way for every topic. */
final class EventHeaders {

  private EventHeaders() {}

  static EventHeader of(UUID eventId, String aggregateId, long version, Instant at, String actor) {
    return EventHeader.newBuilder()
        .setEventId(eventId.toString())
        .setAggregateId(aggregateId)
        .setAggregateVersion(version)
        .setOccurredAt(
            Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
        .setActor(actor)
        .build();
  }
}
