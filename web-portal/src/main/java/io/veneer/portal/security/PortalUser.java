package io.veneer.portal.security;

import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The person logged in to the portal: their user name (Keycloak's {@code preferred_username}, shown
 * on the pages), their subject (the token's {@code sub}: Keycloak's user id, by which the control
 * plane knows them, as the owner of their desktops) and realm roles.
 */
public record PortalUser(String username, String subject, Set<String> roles) {

  public PortalUser {
    roles = Set.copyOf(roles);
  }

  public static PortalUser of(Authentication authentication) {
    Set<String> roles =
        authentication.getAuthorities().stream()
            .map(GrantedAuthority::getAuthority)
            .filter(a -> a != null && a.startsWith("ROLE_"))
            .map(a -> a.substring("ROLE_".length()))
            .collect(Collectors.toSet());
    String subject =
        authentication.getPrincipal() instanceof OidcUser oidc
            ? oidc.getSubject()
            : authentication.getName();
    return new PortalUser(authentication.getName(), subject, roles);
  }

  public boolean isAdmin() {
    return roles.contains("admin");
  }
}
