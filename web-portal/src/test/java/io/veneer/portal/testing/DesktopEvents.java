package io.veneer.portal.testing;

import com.google.protobuf.Timestamp;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.events.v1.EventHeader;
import java.time.Instant;
import java.util.UUID;

/** Desktop events shaped as the control plane's outbox writes them. */
public final class DesktopEvents {

  private DesktopEvents() {}

  public static DesktopEvent transition(
      UUID desktop, UUID pool, String user, String from, String to, Instant at) {
    return DesktopEvent.newBuilder()
        .setHeader(
            EventHeader.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setAggregateId(desktop.toString())
                .setAggregateVersion(1)
                .setOccurredAt(
                    Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .setActor("system"))
        .setType("io.veneer.desktop.state-changed")
        .setPoolId(pool.toString())
        .setFromState(from)
        .setToState(to)
        .setHostId("host-1")
        .setAssignedUser(user)
        .build();
  }
}
