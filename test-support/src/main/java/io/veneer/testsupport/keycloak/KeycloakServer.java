package io.veneer.testsupport.keycloak;

import java.net.URI;

/** A real Keycloak server that tests create realms on through its admin REST API. */
public sealed interface KeycloakServer
    permits DistributionKeycloakServer, ContainerKeycloakServer, ExternalKeycloakServer {

  /** The server's root, such as {@code http://127.0.0.1:41234}: realms live under /realms. */
  URI baseUrl();

  /** An administrator of the master realm. */
  AdminCredentials admin();

  /** Where the server runs, for test logs ("distribution", "container" or "external"). */
  String kind();

  void stop();
}
