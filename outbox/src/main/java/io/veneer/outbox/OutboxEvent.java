package io.veneer.outbox;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to publish once the surrounding transaction commits.
 *
 * @param eventId unique id, the consumers' de-duplication key (CloudEvents {@code id})
 * @param topic the topic without the deployment's prefix, e.g. {@code veneer.desktops.v1}
 * @param key the aggregate id; Kafka keeps records of one key in order
 * @param aggregateVersion version of the aggregate after the change
 * @param type CloudEvents {@code type}, e.g. {@code io.veneer.desktop.state-changed}
 * @param source CloudEvents {@code source}, e.g. {@code /control-plane}
 * @param payload the protobuf payload from {@code veneer.events.v1}
 * @param occurredAt when the change happened
 */
public record OutboxEvent(
    UUID eventId,
    String topic,
    String key,
    long aggregateVersion,
    String type,
    String source,
    Message payload,
    Instant occurredAt) {

  public OutboxEvent {
    Objects.requireNonNull(eventId, "eventId");
    requireText(topic, "topic");
    requireText(key, "key");
    requireText(type, "type");
    requireText(source, "source");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("An outbox event needs a " + name);
    }
  }
}
