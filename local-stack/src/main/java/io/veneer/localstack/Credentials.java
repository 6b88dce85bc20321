package io.veneer.localstack;

import io.veneer.localstack.auth.DemoUser;
import io.veneer.localstack.auth.SecretFile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every credential of a local run, generated once and kept in {@code .veneer/secrets} (readable by
 * the user only), the same on every later run. LOCAL DEMO CREDENTIALS: printed by {@code up}.
 *
 * @param keycloakAdminPassword Keycloak's bootstrap administrator (master realm, {@link
 *     #KEYCLOAK_ADMIN})
 * @param userPasswords the demo users' passwords in the {@code veneer} realm
 * @param imagesApiToken what automation presents to the images API (the stack's own demo import)
 * @param imagesAgentToken what node agents present to fetch blobs
 */
record Credentials(
    String keycloakAdminPassword,
    Map<DemoUser, String> userPasswords,
    String imagesApiToken,
    String imagesAgentToken) {

  static final String KEYCLOAK_ADMIN = "admin";

  static Credentials prepare(StackLayout layout) throws IOException {
    Map<DemoUser, String> passwords = new LinkedHashMap<>();
    for (DemoUser user : DemoUser.ALL) {
      passwords.put(
          user,
          new SecretFile(layout.secrets().resolve("password-" + user.name())).readOrCreate(9));
    }
    return new Credentials(
        new SecretFile(layout.secrets().resolve("keycloak-admin-password")).readOrCreate(),
        passwords,
        new SecretFile(layout.secrets().resolve("images-api-token")).readOrCreate(),
        new SecretFile(layout.secrets().resolve("images-agent-token")).readOrCreate());
  }

  /**
   * The agent token the control plane last issued to a host, kept so that the next run's agent
   * connects before Keycloak is ready (a new token is issued, and kept, when it no longer works).
   */
  static SecretFile agentToken(StackLayout layout, String hostId) {
    return new SecretFile(layout.secrets().resolve("agent-token-" + hostId));
  }

  String passwordOf(DemoUser user) {
    return userPasswords.get(user);
  }
}
