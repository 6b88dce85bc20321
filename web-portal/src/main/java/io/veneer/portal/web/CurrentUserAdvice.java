package io.veneer.portal.web;

import io.veneer.portal.security.PortalUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Every page knows who is logged in (for the navigation and the admin links). */
@ControllerAdvice
class CurrentUserAdvice {

  @ModelAttribute("user")
  PortalUser user(Authentication authentication) {
    return authentication instanceof OAuth2AuthenticationToken
        ? PortalUser.of(authentication)
        : null;
  }
}
