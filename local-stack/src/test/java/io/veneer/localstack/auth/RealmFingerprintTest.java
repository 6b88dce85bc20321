package io.veneer.localstack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warm start keeps the realm only when it would be set up from exactly the same things. */
class RealmFingerprintTest {

  private static final URI KEYCLOAK = URI.create("http://127.0.0.1:8180");
  private static final URI PORTAL = URI.create("http://127.0.0.1:8082");

  @TempDir Path keycloakData;

  @Test
  void aRealmNeverSetUpIsSetUpAndThenKeptWhileNothingChanges() throws Exception {
    RealmFingerprint first = RealmFingerprint.of(keycloakData, KEYCLOAK, PORTAL, passwords("a"));
    assertThat(first.unchanged()).isFalse();

    first.record();

    assertThat(RealmFingerprint.of(keycloakData, KEYCLOAK, PORTAL, passwords("a")).unchanged())
        .isTrue();
  }

  @Test
  void anotherPortOrPasswordSetsItUpAgain() throws Exception {
    RealmFingerprint.of(keycloakData, KEYCLOAK, PORTAL, passwords("a")).record();

    assertThat(
            RealmFingerprint.of(
                    keycloakData, KEYCLOAK, URI.create("http://127.0.0.1:8182"), passwords("a"))
                .unchanged())
        .as("the portal moved: its redirect URI in the realm is wrong")
        .isFalse();
    assertThat(RealmFingerprint.of(keycloakData, KEYCLOAK, PORTAL, passwords("b")).unchanged())
        .as("a demo user's password changed")
        .isFalse();
  }

  private static Map<DemoUser, String> passwords(String suffix) {
    Map<DemoUser, String> passwords = new HashMap<>();
    for (DemoUser user : DemoUser.ALL) {
      passwords.put(user, user.name() + "-" + suffix);
    }
    return passwords;
  }
}
