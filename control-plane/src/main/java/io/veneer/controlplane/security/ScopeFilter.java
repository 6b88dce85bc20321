package io.veneer.controlplane.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses an automation client's REST call its scopes do not cover, before any handler runs. */
final class ScopeFilter extends OncePerRequestFilter {

  private final ProblemResponses problems;

  ScopeFilter(ProblemResponses problems) {
    this.problems = problems;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    // Redemption is the console proxy's alone, by its role; it needs no veneer:* scope besides.
    if (authentication instanceof JwtAuthenticationToken token
        && request.getRequestURI().startsWith("/api/")
        && !request.getRequestURI().equals(SecurityConfiguration.CONSOLE_REDEMPTION)) {
      String needed = Scopes.forRest(request.getMethod(), request.getRequestURI());
      Set<String> granted = SecurityConfiguration.clientScopes(token.getToken()).orElse(null);
      if (granted != null && !granted.contains(needed)) {
        String detail =
            "This client's token lacks the " + needed + " scope; ask for it to be granted";
        problems.forbidden(request, response, new AccessDeniedException(detail), detail);
        return;
      }
    }
    chain.doFilter(request, response);
  }
}
