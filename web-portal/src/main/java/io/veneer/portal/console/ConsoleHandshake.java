package io.veneer.portal.console;

import io.veneer.portal.backend.BackendProblem;
import io.veneer.portal.backend.ControlPlane;
import io.veneer.portal.backend.ControlPlaneViews.ConsoleAccess;
import io.veneer.portal.security.PortalUser;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Admits a console socket only when the control plane redeems its ticket for the logged-in person
 * (the portal redeems with its own service credential, naming the person's subject) and the ticket
 * is for the desktop the socket names. The Origin header is checked before this, so a page on a
 * foreign site never reaches, nor burns, a ticket.
 */
class ConsoleHandshake implements HandshakeInterceptor {

  static final String ACCESS = ConsoleAccess.class.getName();

  private static final Logger log = LoggerFactory.getLogger(ConsoleHandshake.class);

  private final ControlPlane controlPlane;

  ConsoleHandshake(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  @Override
  public boolean beforeHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Map<String, Object> attributes) {
    HttpSession session =
        request instanceof ServletServerHttpRequest servlet
            ? servlet.getServletRequest().getSession(false)
            : null;
    if (!(request.getPrincipal() instanceof Authentication principal) || session == null) {
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
    String ticket = query.getFirst("ticket");
    if (ticket == null || ticket.isBlank()) {
      return refuse(response, HttpStatus.FORBIDDEN, desktopId, principal, "no ticket");
    }
    ConsoleAccess access;
    try {
      access = controlPlane.redeemConsoleTicket(ticket, PortalUser.of(principal).subject());
    } catch (BackendProblem p) {
      HttpStatus status = p.status() < 500 ? HttpStatus.FORBIDDEN : HttpStatus.BAD_GATEWAY;
      return refuse(response, status, desktopId, principal, p.detail());
    } catch (ResourceAccessException e) {
      return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, desktopId, principal, e.getMessage());
    }
    if (!desktopId.equals(access.desktopId())) {
      return refuse(
          response, HttpStatus.FORBIDDEN, desktopId, principal, "ticket for another desktop");
    }
    if (access.protocol() != null && !"vnc".equalsIgnoreCase(access.protocol())) {
      return refuse(
          response,
          HttpStatus.BAD_GATEWAY,
          desktopId,
          principal,
          "display protocol " + access.protocol());
    }
    attributes.put(ACCESS, access);
    attributes.put(ConsoleSessions.HTTP_SESSION, session);
    log.info("event=console.admitted desktop={} user={}", desktopId, principal.getName());
    return true;
  }

  private static boolean refuse(
      ServerHttpResponse response,
      HttpStatus status,
      UUID desktopId,
      Principal principal,
      String reason) {
    log.info(
        "event=console.refused desktop={} user={} status={} reason=\"{}\"",
        desktopId,
        principal.getName(),
        status.value(),
        reason);
    response.setStatusCode(status);
    return false;
  }

  @Override
  public void afterHandshake(
      ServerHttpRequest request,
      ServerHttpResponse response,
      WebSocketHandler handler,
      Exception exception) {}
}
