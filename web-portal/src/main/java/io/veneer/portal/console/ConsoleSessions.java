package io.veneer.portal.console;

import io.veneer.portal.security.SecurityConfiguration;
import io.veneer.portal.security.SessionTokens;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.RefreshTokenOAuth2AuthorizedClientProvider;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * Ends console sockets with the portal session they were opened in: at once when it ends (logout,
 * or its expiry), and when its access token expires and cannot be refreshed (its refresh token
 * expired or was revoked, or it has none), so a console never outlives the login that opened it.
 * While the session can refresh its token, the console stays open and the session keeps the new
 * token.
 */
@Component
class ConsoleSessions implements ApplicationListener<HttpSessionDestroyedEvent>, DisposableBean {

  /** The console socket's attribute holding the HTTP session it was opened in. */
  static final String HTTP_SESSION = HttpSession.class.getName();

  static final CloseStatus SESSION_ENDED =
      CloseStatus.POLICY_VIOLATION.withReason(
          "Your portal session has ended; log in again to open the console");

  private static final Logger log = LoggerFactory.getLogger(ConsoleSessions.class);

  private final SessionTokens tokens;
  private final RefreshTokenOAuth2AuthorizedClientProvider refresh =
      new RefreshTokenOAuth2AuthorizedClientProvider();
  private final Map<String, Set<WebSocketSession>> consoles = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("console-sessions").daemon().factory());

  ConsoleSessions(SessionTokens tokens) {
    this.tokens = tokens;
    // Refreshed when it has expired, not before: the timer fires at the token's expiry.
    refresh.setClockSkew(Duration.ZERO);
  }

  /** Watches an admitted console socket from now until it closes. */
  void watch(WebSocketSession console) {
    HttpSession http = (HttpSession) console.getAttributes().get(HTTP_SESSION);
    consoles.computeIfAbsent(http.getId(), id -> ConcurrentHashMap.newKeySet()).add(console);
    check(console, http);
  }

  void forget(WebSocketSession console) {
    HttpSession http = (HttpSession) console.getAttributes().get(HTTP_SESSION);
    if (http != null) {
      consoles.computeIfPresent(
          http.getId(), (id, open) -> open.remove(console) && open.isEmpty() ? null : open);
    }
  }

  @Override
  public void onApplicationEvent(HttpSessionDestroyedEvent event) {
    Set<WebSocketSession> open = consoles.remove(event.getId());
    if (open != null) {
      open.forEach(console -> end(console, "session ended"));
    }
  }

  private void check(WebSocketSession console, HttpSession http) {
    if (!console.isOpen()) {
      return;
    }
    Instant expiry;
    try {
      expiry = validUntil(http, console);
    } catch (RuntimeException e) {
      // An invalidated session, a refused refresh token or an unreachable token endpoint: the
      // console cannot show that its person is still logged in, so it ends (fails closed).
      log.info(
          "event=console.token-unusable socket={} error=\"{}\"", console.getId(), e.getMessage());
      expiry = null;
    }
    if (expiry == null) {
      end(console, "token expired");
      return;
    }
    if (expiry != Instant.MAX) {
      long wait = Math.max(0, Duration.between(Instant.now(), expiry).toMillis());
      timer.schedule(() -> check(console, http), wait, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * When the session's access token expires, refreshed first when it has; null when it cannot be
   * refreshed, {@link Instant#MAX} for a token without expiry.
   */
  private Instant validUntil(HttpSession http, WebSocketSession console) {
    OAuth2AuthorizedClient client =
        tokens.of(http, SecurityConfiguration.REGISTRATION).orElse(null);
    if (client == null || !(console.getPrincipal() instanceof Authentication person)) {
      return null;
    }
    Instant expires = client.getAccessToken().getExpiresAt();
    if (expires == null) {
      return Instant.MAX;
    }
    if (expires.isAfter(Instant.now())) {
      return expires;
    }
    OAuth2AuthorizedClient refreshed =
        refresh.authorize(
            OAuth2AuthorizationContext.withAuthorizedClient(client).principal(person).build());
    if (refreshed == null) {
      return null;
    }
    tokens.keep(http, refreshed);
    return refreshed.getAccessToken().getExpiresAt();
  }

  private void end(WebSocketSession console, String why) {
    log.info(
        "event=console.session-ended socket={} user={} reason=\"{}\"",
        console.getId(),
        console.getPrincipal() == null ? null : console.getPrincipal().getName(),
        why);
    try {
      console.close(SESSION_ENDED);
    } catch (IOException e) {
      // already closing
    }
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
  }
}
