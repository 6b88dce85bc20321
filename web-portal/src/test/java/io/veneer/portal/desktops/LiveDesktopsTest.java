package io.veneer.portal.desktops;

import static io.veneer.portal.testing.DesktopEvents.transition;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.SseReader;
import io.veneer.portal.testing.TestPortal;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** "My desktops" kept live from Kafka {@code veneer.desktops.v1}: per user, never polled. */
class LiveDesktopsTest {

  private static final TestPortal portal = TestPortal.get();
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void desktopTurnsRunningOnTheOpenPageWithTheTimeItTookToStart() {
    UUID pool = portal.controlPlane().addPool("live-lena", Set.of("lena"));
    UUID desktop = UUID.randomUUID();
    PortalSession lena = PortalSession.login(portal, "lena", Set.of("user"));
    Instant t0 = Instant.parse("2026-01-01T10:00:00Z");

    try (SseReader live = new SseReader(lena.stream("/desktops/live"))) {
      portal.publish(transition(desktop, pool, "lena", "", "REQUESTED", t0));
      portal.publish(
          transition(desktop, pool, "lena", "REQUESTED", "SCHEDULED", t0.plusMillis(400)));
      portal.publish(transition(desktop, pool, "lena", "SCHEDULED", "STARTING", t0.plusSeconds(2)));
      portal.publish(transition(desktop, pool, "lena", "STARTING", "RUNNING", t0.plusMillis(3500)));

      SseReader.Event running =
          live.await(e -> e.name().equals("desktop") && e.data().contains("RUNNING"), WAIT)
              .orElseThrow(() -> new AssertionError("No RUNNING row arrived"));
      assertThat(running.data())
          .contains("desktop-" + desktop, "live-lena", "3.5 s", "Open console");
    }
  }

  @Test
  void anotherUsersDesktopNeverReachesMyPage() {
    UUID pool = portal.controlPlane().addPool("live-shared", Set.of("mia", "noah"));
    UUID hers = UUID.randomUUID();
    UUID mine = UUID.randomUUID();
    PortalSession noah = PortalSession.login(portal, "noah", Set.of("user"));

    try (SseReader live = new SseReader(noah.stream("/desktops/live"))) {
      portal.publish(transition(hers, pool, "mia", "", "REQUESTED", Instant.now()));
      portal.publish(transition(mine, pool, "noah", "", "REQUESTED", Instant.now()));

      assertThat(live.await(e -> e.name().equals("desktop"), WAIT))
          .hasValueSatisfying(e -> assertThat(e.data()).contains("desktop-" + mine));
      assertThat(live.drain()).noneMatch(e -> e.data().contains(hers.toString()));
    }
  }

  @Test
  void desktopReleasedAtLogoffLeavesThePage() {
    UUID pool = portal.controlPlane().addPool("live-olga", Set.of("olga"));
    UUID desktop = portal.controlPlane().addDesktop("olga", pool, "RUNNING", null);
    PortalSession olga = PortalSession.login(portal, "olga", Set.of("user"));

    try (SseReader live = new SseReader(olga.stream("/desktops/live"))) {
      // A pooled desktop given back at logoff is refreshed for the next person: no user any more.
      portal.publish(transition(desktop, pool, "", "RUNNING", "REFRESHING", Instant.now()));

      assertThat(live.await(e -> e.name().equals("desktop-gone"), WAIT))
          .hasValueSatisfying(e -> assertThat(e.data()).isEqualTo("desktop-" + desktop));
    }
  }

  @Test
  void aRepeatedEventIsShownOnce() {
    UUID pool = portal.controlPlane().addPool("live-pia", Set.of("pia"));
    UUID desktop = UUID.randomUUID();
    PortalSession pia = PortalSession.login(portal, "pia", Set.of("user"));
    var event = transition(desktop, pool, "pia", "", "REQUESTED", Instant.now());

    try (SseReader live = new SseReader(pia.stream("/desktops/live"))) {
      portal.publish(event);
      portal.publish(event); // at-least-once delivery: the same event id again
      portal.publish(transition(desktop, pool, "pia", "REQUESTED", "SCHEDULED", Instant.now()));

      assertThat(live.await(e -> e.name().equals("desktop"), WAIT))
          .hasValueSatisfying(e -> assertThat(e.data()).contains("REQUESTED"));
      assertThat(live.await(e -> e.name().equals("desktop"), WAIT))
          .hasValueSatisfying(e -> assertThat(e.data()).contains("SCHEDULED"));
    }
  }
}
