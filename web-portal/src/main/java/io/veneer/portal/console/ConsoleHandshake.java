package io.veneer.portal.console;

import java.security.Principal;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Admits a console socket only with the logged-in person's own, unused, unexpired ticket for the
 * desktop it names. (The Origin header is checked before this, by the registration's allowed
 * origins, so a page on a foreign site cannot burn or use a ticket.)
 */
class ConsoleHandshake implements HandshakeInterceptor {

  static final String TICKET = ConsoleTicket.class.getName();

  private static final Logger log = LoggerFactory.getLogger(ConsoleHandshake.class);

  private final ConsoleTickets tickets;

  ConsoleHandshake(ConsoleTickets tickets) {
    this.tickets = tickets;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    Principal principal = request.getPrincipal();
    if (principal == null) {
      log.info("event=console.refused reason=\"not logged in\"");
      response.setStatusCode(HttpStatus.UNAUTHORIZED);
      return false;
    }
    var query = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
    UUID desktopId;
    try {
      desktopId = UUID.fromString(String.valueOf(query.getFirst("desktop")));
    } catch (IllegalArgumentException e) {
      response.setStatusCode(HttpStatus.BAD_REQUEST);
      return false;
    }
    Admission admission = tickets.redeem(query.getFirst("ticket"), principal.getName(), desktopId);
    return switch (admission) {
      case Admission.Admitted admitted -> {
        attributes.put(TICKET, admitted.ticket());
        log.info("event=console.admitted desktop={} user={}", desktopId, principal.getName());
        yield true;
      }
      case Admission.Refused refused -> {
        log.info(
            "event=console.refused desktop={} user={} reason=\"{}\"",
            desktopId,
            principal.getName(),
            refused.reason());
        response.setStatusCode(HttpStatus.FORBIDDEN);
        yield false;
      }
    };
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {}
}
