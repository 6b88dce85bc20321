package io.veneer.images.events;

import com.google.protobuf.Timestamp;
import io.veneer.events.v1.EventHeader;
import io.veneer.events.v1.ImageEvent;
import io.veneer.images.catalogue.Image;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.VersionState;
import io.veneer.outbox.Outbox;
import io.veneer.outbox.OutboxEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Writes image events to the outbox, in the transaction of the change they describe. */
@Component
public class ImageEvents {

  public static final String TOPIC = "veneer.images.v1";
  private static final String SOURCE = "/golden-image-service";

  private final Outbox outbox;
  private final Clock clock;

  public ImageEvents(Outbox outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
  }

  public void imageCreated(Image image) {
    publish(image, "image-created", ImageEvent.newBuilder());
  }

  public void versionChanged(ImageVersion version, VersionState from) {
    ImageEvent.Builder event =
        ImageEvent.newBuilder()
            .setVersionId(version.id().toString())
            .setVersionNumber(version.number())
            .setFromState(from == null ? "" : from.name())
            .setToState(version.state().name());
    if (version.digest() != null) {
      event.setDigest(version.digest());
    }
    if (version.rejectionReason() != null) {
      event.setReason(version.rejectionReason());
    }
    publish(version.image(), "version-state-changed", event);
  }

  private void publish(Image image, String type, ImageEvent.Builder event) {
    UUID eventId = UUID.randomUUID();
    Instant now = clock.instant();
    long sequence = image.nextEventSequence();
    event
        .setType(type)
        .setHeader(
            EventHeader.newBuilder()
                .setEventId(eventId.toString())
                .setAggregateId(image.id().toString())
                .setAggregateVersion(sequence)
                .setOccurredAt(
                    Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setActor("system"));
    outbox.append(
        new OutboxEvent(
            eventId,
            TOPIC,
            image.id().toString(),
            sequence,
            "io.veneer.image." + type,
            SOURCE,
            event.build(),
            now));
  }
}
