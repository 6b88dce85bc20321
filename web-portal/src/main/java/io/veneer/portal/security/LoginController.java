package io.veneer.portal.security;

import io.veneer.portal.web.PortalRefusal;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Where logging in starts: on to the identity provider's login when it answers, otherwise a page
 * that says it is starting and tries again by itself; and where a failed login ends.
 */
@Controller
class LoginController {

  /** How often the waiting page tries again, and the {@code Retry-After} it sends. */
  static final int RETRY_SECONDS = 5;

  private final ClientRegistrationRepository registrations;

  LoginController(ClientRegistrationRepository registrations) {
    this.registrations = registrations;
  }

  @GetMapping(SecurityConfiguration.LOGIN_PAGE)
  String login(
      @RequestParam(required = false) String error,
      HttpSession session,
      HttpServletResponse response,
      Model model) {
    if (error != null) {
      throw new PortalRefusal(
          HttpStatus.UNAUTHORIZED.value(),
          "Login did not complete",
          "The identity provider's answer was refused: "
              + failure(session)
              + ". Go back to your desktops to log in again; if it keeps happening, tell an admin.");
    }
    try {
      registrations.findByRegistrationId(SecurityConfiguration.REGISTRATION);
    } catch (IdentityProviderUnavailable e) {
      response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
      response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_SECONDS));
      model.addAttribute("issuers", e.issuers());
      model.addAttribute("reason", e.getMessage());
      model.addAttribute("retrySeconds", RETRY_SECONDS);
      return "login-waiting";
    }
    return "redirect:"
        + OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI
        + "/"
        + SecurityConfiguration.REGISTRATION;
  }

  private static String failure(HttpSession session) {
    return session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION)
            instanceof AuthenticationException e
        ? e.getMessage()
        : "no reason given";
  }
}
