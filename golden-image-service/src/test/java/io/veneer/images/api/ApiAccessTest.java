package io.veneer.images.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.veneer.images.ImagesProperties;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The images API admits the API token, people whose issuer-signed token has the admin role, or
 * anyone in local development mode; everyone else is told what to present.
 */
class ApiAccessTest {

  private static final String ISSUER = "https://issuer.test/realms/veneer";
  private static RSAKey issuerKey;
  private static HttpServer jwks;

  @BeforeAll
  static void anIssuerPublishingItsKeys() throws Exception {
    issuerKey = new RSAKeyGenerator(2048).keyID("k1").generate();
    byte[] keys = new JWKSet(issuerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwks.createContext(
        "/certs",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, keys.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(keys);
          }
        });
    jwks.start();
  }

  @AfterAll
  static void stopTheIssuer() {
    jwks.stop(0);
  }

  @Test
  void admitsOnlyTheConfiguredBearerToken() {
    ApiAccess access = new ApiAccess(properties("s3cret", false, ""));

    assertThat(access.check("Bearer s3cret")).isInstanceOf(ApiAccess.Verdict.Admitted.class);
    assertThat(access.check("Bearer s3cre")).isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
    assertThat(access.check("s3cret")).isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
    assertThat(access.check(null)).isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
  }

  @Test
  void admitsAnyoneInLocalDevelopmentMode() {
    assertThat(new ApiAccess(properties(null, true, "")).check(null))
        .isInstanceOf(ApiAccess.Verdict.Admitted.class);
  }

  @Test
  void admitsAPersonWithTheAdminRoleAndForbidsOtherPeople() throws Exception {
    ApiAccess access = new ApiAccess(properties(null, false, ISSUER));

    assertThat(access.check("Bearer " + token(issuerKey, ISSUER, "ada", "admin", 300)))
        .isEqualTo(new ApiAccess.Verdict.Admitted("ada"));
    assertThat(access.check("Bearer " + token(issuerKey, ISSUER, "bob", "user", 300)))
        .isInstanceOfSatisfying(
            ApiAccess.Verdict.Forbidden.class,
            forbidden -> assertThat(forbidden.why()).contains("admin role", "bob"));
  }

  @Test
  void refusesTokensThatAreExpiredWronglySignedFromAnotherIssuerOrForAnotherAudience()
      throws Exception {
    ApiAccess access = new ApiAccess(properties("s3cret", false, ISSUER));
    RSAKey stranger = new RSAKeyGenerator(2048).keyID("k1").generate();

    assertThat(access.check("Bearer " + token(issuerKey, ISSUER, "ada", "admin", -3600)))
        .isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
    assertThat(access.check("Bearer " + token(stranger, ISSUER, "ada", "admin", 300)))
        .isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
    assertThat(
            access.check(
                "Bearer " + token(issuerKey, "https://elsewhere/realms/x", "ada", "admin", 300)))
        .isInstanceOf(ApiAccess.Verdict.Unauthenticated.class);
    assertThat(access.check("Bearer " + token(issuerKey, ISSUER, "ada", "admin", 300, "account")))
        .isInstanceOfSatisfying(
            ApiAccess.Verdict.Unauthenticated.class,
            refused -> assertThat(refused.why()).contains("aud"));
    assertThat(access.check("Bearer s3cret"))
        .as("the API token still works beside tokens")
        .isInstanceOf(ApiAccess.Verdict.Admitted.class);
  }

  @Test
  void refusesToStartWithNoWayToAuthenticateCallers() {
    assertThatThrownBy(() -> properties(" ", false, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("veneer.images.api-token")
        .hasMessageContaining("veneer.images.oidc-issuer-uri")
        .hasMessageContaining("veneer.images.local-dev-mode=true");
  }

  private static String token(RSAKey key, String issuer, String subject, String role, int expiresIn)
      throws JOSEException {
    return token(key, issuer, subject, role, expiresIn, "veneer-api");
  }

  private static String token(
      RSAKey key, String issuer, String subject, String role, int expiresIn, String audience)
      throws JOSEException {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .claim("realm_access", Map.of("roles", List.of(role)))
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(expiresIn)))
                .build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static ImagesProperties properties(String apiToken, boolean localDevMode, String issuer) {
    return new ImagesProperties(
        Path.of("unused"),
        DataSize.ofGigabytes(1),
        "qemu-img",
        30,
        DataSize.ofGigabytes(2),
        Duration.ofSeconds(60),
        Duration.ofHours(2),
        "agent",
        -1,
        List.of(),
        apiToken,
        localDevMode,
        issuer,
        issuer.isEmpty() ? "" : "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs",
        "127.0.0.1",
        2,
        512,
        64,
        DataSize.ofGigabytes(300),
        Duration.ofSeconds(30),
        "veneer-api");
  }
}
