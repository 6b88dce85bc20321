package io.veneer.controlplane.events;

import io.veneer.controlplane.quotas.QuotaChange;
import io.veneer.controlplane.quotas.QuotaLimits;
import io.veneer.events.v1.QuotaEvent;
import io.veneer.outbox.Outbox;
import io.veneer.outbox.OutboxEvent;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** One outbox row per quota change, for {@code veneer.quotas.v1}, keyed by the holder. */
@Component
public class QuotaEvents {

  public static final String TOPIC = "veneer.quotas.v1";

  private final Outbox outbox;

  QuotaEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * @param kind what the change was ({@link QuotaChange#kind})
   * @param version the quota's version after it (V45), one more than before
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void changed(
      QuotaChange change, QuotaChange.Kind kind, long version, String actor, Instant at) {
    UUID eventId = UUID.randomUUID();
    String key = change.holder().kind().key() + "/" + change.holder().name();
    QuotaEvent.Builder payload =
        QuotaEvent.newBuilder()
            .setHeader(EventHeaders.of(eventId, key, version, at, actor))
            .setType(kind.eventType())
            .setHolder(key)
            .setChange(change.description());
    QuotaLimits after = change.after();
    if (after != null) {
      if (after.maxDesktops() != null) {
        payload.setMaxDesktops(after.maxDesktops());
      }
      if (after.maxVcpus() != null) {
        payload.setMaxVcpus(after.maxVcpus());
      }
      if (after.maxMemoryMib() != null) {
        payload.setMaxMemoryMib(after.maxMemoryMib());
      }
    }
    QuotaLimits before = change.before();
    if (before != null) {
      if (before.maxDesktops() != null) {
        payload.setPreviousMaxDesktops(before.maxDesktops());
      }
      if (before.maxVcpus() != null) {
        payload.setPreviousMaxVcpus(before.maxVcpus());
      }
      if (before.maxMemoryMib() != null) {
        payload.setPreviousMaxMemoryMib(before.maxMemoryMib());
      }
    }
    outbox.append(
        new OutboxEvent(
            eventId,
            TOPIC,
            key,
            version,
            kind.eventType(),
            DesktopEvents.SOURCE,
            payload.build(),
            at));
  }
}
