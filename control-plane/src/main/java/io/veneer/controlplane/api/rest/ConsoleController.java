package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.console.ConsoleAccess;
import io.veneer.controlplane.console.ConsoleTicket;
import io.veneer.controlplane.console.ConsoleTickets;
import io.veneer.controlplane.security.SecurityConfiguration;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
@Tag(name = "console")
class ConsoleController {

  /** The body of a redemption: the ticket the browser presented. */
  record Redemption(String ticket) {}

  private final ConsoleTickets tickets;

  ConsoleController(ConsoleTickets tickets) {
    this.tickets = tickets;
  }

  @Operation(
      operationId = "issueConsoleTicket",
      summary = "Issues a console ticket",
      description =
          "A short-lived, single-use ticket for the browser console of one of the caller's "
              + "running desktops, bound to the desktop and its current owner; the portal hands "
              + "it to the browser.")
  @PostMapping("/api/v1/desktops/{id}/console-tickets")
  @ResponseStatus(HttpStatus.CREATED)
  ConsoleTicket issue(JwtAuthenticationToken token, @PathVariable UUID id) {
    return tickets.issue(SecurityConfiguration.callerOf(token), id);
  }

  @Operation(
      operationId = "redeemConsoleTicket",
      summary = "Redeems a console ticket",
      description =
          "The portal's console proxy redeems the ticket its browser presented, as the same"
              + " user, for the display's endpoint; a ticket works once, and not after it "
              + "expires.")
  @PostMapping("/api/v1/console-tickets/redeem")
  ConsoleAccess redeem(
      JwtAuthenticationToken token,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(name = "a ticket", value = RequestExamples.REDEMPTION)))
          @RequestBody
          Redemption redemption) {
    return tickets.redeem(SecurityConfiguration.callerOf(token), redemption.ticket());
  }
}
