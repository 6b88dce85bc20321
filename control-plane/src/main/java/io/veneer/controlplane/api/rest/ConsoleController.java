package io.veneer.controlplane.api.rest;

import io.veneer.controlplane.console.ConsoleAccess;
import io.veneer.controlplane.console.ConsoleTicket;
import io.veneer.controlplane.console.ConsoleTickets;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Browser console tickets: the portal asks for one for its user's desktop, hands it to the browser,
 * and its WebSocket proxy redeems it, as the same user, for the display's endpoint.
 */
@RestController
class ConsoleController {

  /** The body of a redemption: the ticket the browser presented. */
  record Redemption(String ticket) {}

  private final ConsoleTickets tickets;

  ConsoleController(ConsoleTickets tickets) {
    this.tickets = tickets;
  }

  @PostMapping("/api/v1/desktops/{id}/console-tickets")
  @ResponseStatus(HttpStatus.CREATED)
  ConsoleTicket issue(JwtAuthenticationToken token, @PathVariable UUID id) {
    return tickets.issue(SecurityConfiguration.callerOf(token), id);
  }

  @PostMapping("/api/v1/console-tickets/redeem")
  ConsoleAccess redeem(JwtAuthenticationToken token, @RequestBody Redemption redemption) {
    return tickets.redeem(SecurityConfiguration.callerOf(token), redemption.ticket());
  }
}
