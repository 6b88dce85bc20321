package io.veneer.controlplane.events;

import io.veneer.controlplane.desktops.Desktop;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.outbox.Outbox;
import io.veneer.outbox.OutboxEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes one outbox row per lifecycle transition of a desktop, in the transaction that made it; the
 * outbox relay publishes them to {@code veneer.desktops.v1}, keyed by desktop id.
 */
@Component
public class DesktopEvents {

  public static final String TOPIC = "veneer.desktops.v1";
  public static final String SOURCE = "/control-plane";

  private final Outbox outbox;

  DesktopEvents(Outbox outbox) {
    this.outbox = outbox;
  }

  /** Turns every transition the desktop made in this transaction into one event. */
  @Transactional(propagation = Propagation.MANDATORY)
  public void publishTransitions(Desktop desktop, String actor) {
    publish(transitionsOf(desktop, actor));
  }

  /**
   * Appends events made by {@link #transitionsOf} to the transaction, in order, in one batch: for
   * work that changes many desktops at once (a placement batch, an agent's status batch).
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void publish(List<OutboxEvent> events) {
    outbox.appendAll(events);
  }

  /**
   * The events of the transitions the desktop made since the last call, at the version it has now;
   * clears them. {@link #publish} appends them.
   */
  public List<OutboxEvent> transitionsOf(Desktop desktop, String actor) {
    // The version the row will have once this transaction flushes it: each change bumped it.
    long version = desktop.aggregateVersion();
    List<OutboxEvent> events = new ArrayList<>();
    for (Desktop.Transition transition : desktop.drainTransitions()) {
      String type =
          switch (transition.kind()) {
            case REQUESTED -> "io.veneer.desktop.requested";
            case STATE_CHANGED -> "io.veneer.desktop.state-changed";
            case ASSIGNED -> "io.veneer.desktop.assigned";
            case RELEASED -> "io.veneer.desktop.released";
          };
      events.add(
          event(
              desktop,
              version,
              type,
              transition.from() == null ? "" : transition.from().name(),
              transition.to().name(),
              transition.at(),
              desktop.failureReason().orElse(""),
              actor));
    }
    return events;
  }

  /**
   * The pool controller shut a running desktop down because it showed no sign of use ({@code
   * io.veneer.desktop.idle-shutdown}); {@code reason} says for how long and since what.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void idleShutdown(Desktop desktop, String reason, String actor, Instant at) {
    String state = desktop.state().name();
    outbox.append(
        event(
            desktop,
            desktop.aggregateVersion(),
            "io.veneer.desktop.idle-shutdown",
            state,
            state,
            at,
            reason,
            actor));
  }

  /**
   * Its owner or an admin asked for the pool's golden version on a dedicated desktop ({@code
   * io.veneer.desktop.golden-update}); {@code reason} names both versions and who asked. Its agent
   * then rebuilds the OS disk, which the desktop's view shows as {@code rebuilding}.
   */
  @Transactional(propagation = Propagation.MANDATORY)
  public void goldenUpdate(Desktop desktop, String reason, String actor, Instant at) {
    String state = desktop.state().name();
    outbox.append(
        event(
            desktop,
            desktop.aggregateVersion(),
            "io.veneer.desktop.golden-update",
            state,
            state,
            at,
            reason,
            actor));
  }

  private static OutboxEvent event(
      Desktop desktop,
      long version,
      String type,
      String from,
      String to,
      Instant at,
      String reason,
      String actor) {
    UUID eventId = UUID.randomUUID();
    DesktopEvent payload =
        DesktopEvent.newBuilder()
            .setHeader(EventHeaders.of(eventId, desktop.id().toString(), version, at, actor))
            .setType(type)
            .setPoolId(desktop.poolId().toString())
            .setFromState(from)
            .setToState(to)
            .setHostId(desktop.hostId().orElse(""))
            .setAssignedUser(desktop.owner().orElse(""))
            .setReason(reason)
            .setSpecGeneration(desktop.specGeneration())
            .setGoldenImageVersionId(desktop.goldenVersion())
            .build();
    return new OutboxEvent(
        eventId, TOPIC, desktop.id().toString(), version, type, SOURCE, payload, at);
  }
}
