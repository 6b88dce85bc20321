package io.veneer.portal.security;

import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The person logged in to the portal: their user name (Keycloak's {@code preferred_username}, the
 * name the control plane knows them by) and realm roles.
 */
public record PortalUser(String username, Set<String> roles) {

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
    return new PortalUser(authentication.getName(), roles);
  }

  public boolean isAdmin() {
    return roles.contains("admin");
  }
}
