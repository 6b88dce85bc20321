package io.veneer.controlplane.identity;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Keycloak's directory when one is configured, else the groups in callers' tokens. */
@Configuration
class IdentityConfiguration {

  @Bean
  GroupDirectory groupDirectory(IdentityProperties properties) {
    if (properties.keycloakUrl().isBlank()) {
      return new TokenGroups();
    }
    return new KeycloakGroups(properties, Clock.systemUTC());
  }
}
