package io.veneer.portal.security;

import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keycloak puts realm roles in the access token ({@code realm_access.roles}), not the ID token. The
 * portal got the token itself from the token endpoint over a back channel, so it reads the claim
 * without checking the signature again; the APIs that receive the token do check it.
 */
final class AccessTokenRoles {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private AccessTokenRoles() {}

  static Set<String> of(String accessToken) {
    String[] parts = accessToken.split("\\.");
    if (parts.length < 2) {
      return Set.of(); // an opaque token names no roles
    }
    Map<?, ?> claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
    if (claims.get("realm_access") instanceof Map<?, ?> realmAccess
        && realmAccess.get("roles") instanceof Collection<?> roles) {
      return roles.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
    }
    return Set.of();
  }
}
