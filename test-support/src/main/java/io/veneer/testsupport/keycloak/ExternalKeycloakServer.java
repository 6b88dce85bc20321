package io.veneer.testsupport.keycloak;

import java.net.URI;

/** A Keycloak server someone else runs, named by {@link KeycloakSettings#url()}. */
public record ExternalKeycloakServer(URI baseUrl, AdminCredentials admin)
    implements KeycloakServer {

  @Override
  public String kind() {
    return "external";
  }

  @Override
  public void stop() {
    // Not ours to stop.
  }
}
