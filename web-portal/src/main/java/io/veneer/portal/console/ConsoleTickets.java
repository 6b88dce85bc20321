package io.veneer.portal.console;

import io.veneer.portal.PortalProperties;
import io.veneer.portal.backend.ControlPlaneViews.Console;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Console tickets: 256 random bits, kept server-side, bound to one person and one desktop, valid
 * once and for a short time. Redeeming removes the ticket first, so two sockets racing with one
 * ticket cannot both get in, and a refused attempt burns it too.
 *
 * <p>The store is this replica's memory: with several portal replicas the WebSocket must reach the
 * replica that issued the ticket (sticky sessions), until the control plane issues tickets itself.
 */
@Component
public class ConsoleTickets {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, ConsoleTicket> tickets = new ConcurrentHashMap<>();
  private final Duration ttl;
  private final Clock clock;

  @Autowired
  ConsoleTickets(PortalProperties properties) {
    this(properties.consoleTicketTtl(), Clock.systemUTC());
  }

  ConsoleTickets(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  /** A ticket for {@code username} to open {@code desktopId}'s console at {@code endpoint}. */
  ConsoleTicket issue(String username, UUID desktopId, Console endpoint) {
    Instant now = clock.instant();
    tickets.values().removeIf(t -> !t.expiresAt().isAfter(now));
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String value = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    ConsoleTicket ticket = new ConsoleTicket(value, username, desktopId, endpoint, now.plus(ttl));
    tickets.put(value, ticket);
    return ticket;
  }

  /** Admits {@code username} to {@code desktopId}'s console with the ticket, at most once. */
  Admission redeem(String value, String username, UUID desktopId) {
    ConsoleTicket ticket = value == null ? null : tickets.remove(value);
    if (ticket == null) {
      return new Admission.Refused("unknown or already used ticket");
    }
    if (!ticket.expiresAt().isAfter(clock.instant())) {
      return new Admission.Refused("ticket expired");
    }
    if (!ticket.username().equals(username)) {
      return new Admission.Refused("ticket issued to another user");
    }
    if (!ticket.desktopId().equals(desktopId)) {
      return new Admission.Refused("ticket issued for another desktop");
    }
    return new Admission.Admitted(ticket);
  }
}
