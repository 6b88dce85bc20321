package io.veneer.testsupport.keycloak;

/** A user of Keycloak's master realm allowed to administer every realm. */
public record AdminCredentials(String username, String password) {

  /** The bootstrap administrator of the servers TestKeycloak starts itself. */
  static final AdminCredentials BOOTSTRAP = new AdminCredentials("admin", "admin");
}
