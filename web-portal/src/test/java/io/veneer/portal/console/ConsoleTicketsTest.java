package io.veneer.portal.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.backend.ControlPlaneViews.Console;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Console tickets: one person, one desktop, once, for a minute. */
class ConsoleTicketsTest {

  private static final Console VNC = new Console("127.0.0.1", 5901, "pw", "vnc");
  private static final UUID DESKTOP = UUID.randomUUID();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ConsoleTickets tickets = new ConsoleTickets(Duration.ofSeconds(60), clock);

  @Test
  void ticketAdmitsItsUserToItsDesktopOnce() {
    ConsoleTicket ticket = tickets.issue("alice", DESKTOP, VNC);

    assertThat(tickets.redeem(ticket.value(), "alice", DESKTOP))
        .isEqualTo(new Admission.Admitted(ticket));
    assertThat(tickets.redeem(ticket.value(), "alice", DESKTOP))
        .isEqualTo(new Admission.Refused("unknown or already used ticket"));
  }

  @Test
  void ticketExpiresAfterItsTimeToLive() {
    ConsoleTicket ticket = tickets.issue("alice", DESKTOP, VNC);
    clock.advance(Duration.ofSeconds(60));

    assertThat(tickets.redeem(ticket.value(), "alice", DESKTOP))
        .isEqualTo(new Admission.Refused("ticket expired"));
  }

  @Test
  void ticketIsStillGoodJustBeforeItExpires() {
    ConsoleTicket ticket = tickets.issue("alice", DESKTOP, VNC);
    clock.advance(Duration.ofSeconds(59));

    assertThat(tickets.redeem(ticket.value(), "alice", DESKTOP))
        .isInstanceOf(Admission.Admitted.class);
  }

  @Test
  void anotherUserCannotUseTheTicketAndBurnsIt() {
    ConsoleTicket ticket = tickets.issue("alice", DESKTOP, VNC);

    assertThat(tickets.redeem(ticket.value(), "mallory", DESKTOP))
        .isEqualTo(new Admission.Refused("ticket issued to another user"));
    assertThat(tickets.redeem(ticket.value(), "alice", DESKTOP))
        .isInstanceOf(Admission.Refused.class);
  }

  @Test
  void ticketOpensOnlyTheDesktopItWasIssuedFor() {
    ConsoleTicket ticket = tickets.issue("alice", DESKTOP, VNC);

    assertThat(tickets.redeem(ticket.value(), "alice", UUID.randomUUID()))
        .isEqualTo(new Admission.Refused("ticket issued for another desktop"));
  }

  @Test
  void unknownOrMissingTicketsAreRefused() {
    assertThat(tickets.redeem("made-up", "alice", DESKTOP)).isInstanceOf(Admission.Refused.class);
    assertThat(tickets.redeem(null, "alice", DESKTOP)).isInstanceOf(Admission.Refused.class);
  }

  @Test
  void ticketsAreUnguessableAndDistinct() {
    String first = tickets.issue("alice", DESKTOP, VNC).value();
    String second = tickets.issue("alice", DESKTOP, VNC).value();

    assertThat(first).hasSize(43).isNotEqualTo(second); // 256 bits, base64url
  }

  private static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
