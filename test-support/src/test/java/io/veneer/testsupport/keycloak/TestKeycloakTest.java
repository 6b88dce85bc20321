package io.veneer.testsupport.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.AccessToken;
import org.keycloak.util.JsonSerialization;

class TestKeycloakTest {

  private static VeneerRealm realm;

  @BeforeAll
  static void realmOfItsOwn() {
    realm = TestKeycloak.freshRealm(TestKeycloakTest.class);
  }

  @Test
  void aPersonLogsInWithRealmRolesGroupsAndTheApiAudience() throws IOException {
    realm.createUser("alice", "alice-pw", Set.of("user"), Set.of("engineering", "finance"));

    AccessToken token = claims(realm.passwordToken("alice", "alice-pw"));

    assertThat(token.getIssuer()).isEqualTo(realm.issuerUri().toString());
    assertThat(token.getPreferredUsername()).isEqualTo("alice");
    assertThat(token.getRealmAccess().getRoles()).contains("user").doesNotContain("admin");
    assertThat(groups(token)).containsExactlyInAnyOrder("engineering", "finance");
    assertThat(token.getAudience()).contains(VeneerRealm.AUDIENCE);
  }

  @Test
  void leavingAGroupShowsInTheNextToken() throws IOException {
    realm.createUser("bob", "bob-pw", Set.of("admin"), Set.of("engineering"));
    assertThat(groups(claims(realm.passwordToken("bob", "bob-pw")))).containsExactly("engineering");

    realm.removeFromGroup("bob", "engineering");
    realm.createGroup("design");
    realm.addToGroup("bob", "design");

    assertThat(groups(claims(realm.passwordToken("bob", "bob-pw")))).containsExactly("design");
  }

  @Test
  void theAutomationClientGetsATokenByClientCredentials() throws IOException {
    AccessToken token = claims(realm.clientCredentialsToken());

    assertThat(token.getIssuer()).isEqualTo(realm.issuerUri().toString());
    assertThat(token.getIssuedFor()).isEqualTo(VeneerRealm.AUTOMATION.clientId());
    assertThat(token.getAudience()).contains(VeneerRealm.AUDIENCE);
  }

  @Test
  void theSharedRealmIsNamedVeneerAndServesItsKeys() {
    VeneerRealm shared = TestKeycloak.get();

    assertThat(shared.issuerUri().getPath()).isEqualTo("/realms/veneer");
    assertThat(shared.jwksUri().toString()).startsWith(shared.issuerUri().toString());
    assertThat(shared.admin().toRepresentation().isEnabled()).isTrue();
  }

  /** The token's payload, unverified: Keycloak issued it over the wire just now. */
  private static AccessToken claims(String jwt) throws IOException {
    String payload = jwt.split("\\.")[1];
    return JsonSerialization.readValue(
        new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8),
        AccessToken.class);
  }

  @SuppressWarnings("unchecked")
  private static List<String> groups(AccessToken token) {
    return (List<String>) token.getOtherClaims().getOrDefault("groups", List.of());
  }
}
