package io.veneer.controlplane.api.rest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.controlplane.console.ConsoleAccess;
import io.veneer.controlplane.console.ConsoleTicket;
import io.veneer.controlplane.console.ConsoleTickets;
import io.veneer.controlplane.console.ConsoleUse;
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
 * Browser console tickets: the portal asks for one for its user's desktop, as that user, hands it
 * to the browser, and its WebSocket proxy redeems it with the portal's own service credential (the
 * {@code console-proxy} role) for the display's endpoint, naming the person who presented it.
 */
@RestController
@Tag(name = "console")
class ConsoleController {

  /** The body of a redemption: the ticket a browser presented, and its person's {@code sub}. */
  record Redemption(String ticket, String subject) {}

  private final ConsoleTickets tickets;
  private final ConsoleUse consoleUse;

  ConsoleController(ConsoleTickets tickets, ConsoleUse consoleUse) {
    this.tickets = tickets;
    this.consoleUse = consoleUse;
  }

  @Operation(
      operationId = "reportConsoleInput",
      summary = "Reports input in a desktop's console",
      description =
          "Only for the portal's console proxy (its service account's console-proxy role; any"
              + " other caller, admins included, gets 403): the proxy saw keyboard or pointer input"
              + " to the desktop's display, now. A sign of use, which the pool's idle shutdown"
              + " waits on; the proxy reports at most once a minute per desktop.")
  @PostMapping(SecurityConfiguration.CONSOLE_INPUT)
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void inputSeen(@PathVariable UUID id) {
    consoleUse.inputSeen(id);
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
          "Only for the portal's console proxy (its service account's console-proxy role; any"
              + " other caller, admins included, gets 403 and the ticket stays unused): redeems"
              + " the ticket a browser presented, for the person (subject) who presented it, for"
              + " the display's endpoint at its host's own address; a ticket works once, and not"
              + " after it expires or its desktop was handed on.")
  @PostMapping(SecurityConfiguration.CONSOLE_REDEMPTION)
  ConsoleAccess redeem(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(name = "a ticket", value = RequestExamples.REDEMPTION)))
          @RequestBody
          Redemption redemption) {
    return tickets.redeem(redemption.subject(), redemption.ticket());
  }
}
