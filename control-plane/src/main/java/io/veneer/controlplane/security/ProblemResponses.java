package io.veneer.controlplane.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The security filters' refusals as application/problem+json, like every other API error, keeping
 * the RFC 6750 {@code WWW-Authenticate} header the bearer-token handlers set.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final BearerTokenAuthenticationEntryPoint bearerEntryPoint =
      new BearerTokenAuthenticationEntryPoint();
  private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
      throws IOException {
    bearerEntryPoint.commence(request, response, e);
    write(
        response,
        HttpStatus.UNAUTHORIZED,
        "unauthenticated",
        request.getHeader("Authorization") == null
            ? "Send 'Authorization: Bearer <token>' with a token from the OIDC issuer"
            : "The bearer token was not accepted (expired, wrongly signed or from another"
                + " issuer); get a new one from the OIDC issuer");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
      throws IOException {
    forbidden(
        request,
        response,
        e,
        request.getMethod() + " " + request.getRequestURI() + " needs the admin role");
  }

  /** A 403 saying {@code detail}. */
  void forbidden(
      HttpServletRequest request,
      HttpServletResponse response,
      AccessDeniedException e,
      String detail)
      throws IOException {
    bearerDenied.handle(request, response, e);
    write(response, HttpStatus.FORBIDDEN, "forbidden", detail);
  }

  private static void write(
      HttpServletResponse response, HttpStatus status, String type, String detail)
      throws IOException {
    response.setStatus(status.value());
    response.setContentType("application/problem+json");
    JSON.writeValue(
        response.getOutputStream(),
        Map.of(
            "type",
            "https://veneer.io/problems/" + type,
            "title",
            status.getReasonPhrase(),
            "status",
            status.value(),
            "detail",
            detail));
  }
}
