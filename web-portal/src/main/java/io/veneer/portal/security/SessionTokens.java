package io.veneer.portal.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;

/**
 * The person's tokens, kept in their HTTP session (gone at logout or when the session expires),
 * reachable from a request or, for the console's long-lived sockets, from the session itself.
 */
public final class SessionTokens implements OAuth2AuthorizedClientRepository {

  private static final String ATTRIBUTE = SessionTokens.class.getName();

  @Override
  @SuppressWarnings("unchecked")
  public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(
      String registrationId, Authentication principal, HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    return session == null ? null : (T) of(session, registrationId).orElse(null);
  }

  @Override
  public void saveAuthorizedClient(
      OAuth2AuthorizedClient client,
      Authentication principal,
      HttpServletRequest request,
      HttpServletResponse response) {
    keep(request.getSession(), client);
  }

  @Override
  public void removeAuthorizedClient(
      String registrationId,
      Authentication principal,
      HttpServletRequest request,
      HttpServletResponse response) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      clients(session).remove(registrationId);
    }
  }

  /**
   * The session's tokens for {@code registrationId}; empty when it has none.
   *
   * @throws IllegalStateException when the session was invalidated
   */
  public Optional<OAuth2AuthorizedClient> of(HttpSession session, String registrationId) {
    return Optional.ofNullable(clients(session).get(registrationId));
  }

  /** Keeps {@code client} (e.g. refreshed) in the session. */
  public void keep(HttpSession session, OAuth2AuthorizedClient client) {
    clients(session).put(client.getClientRegistration().getRegistrationId(), client);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, OAuth2AuthorizedClient> clients(HttpSession session) {
    synchronized (session) {
      Object held = session.getAttribute(ATTRIBUTE);
      if (held == null) {
        held = new ConcurrentHashMap<String, OAuth2AuthorizedClient>();
        session.setAttribute(ATTRIBUTE, held);
      }
      return (Map<String, OAuth2AuthorizedClient>) held;
    }
  }
}
