package io.veneer.controlplane;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Mints RS256 tokens the way the OIDC issuer would, with a key pair made for this test JVM; the
 * control plane trusts its public key through {@code public-key-location}.
 */
public final class TestTokens {

  public static final String ISSUER = "https://issuer.test/realms/veneer";

  /** The audience the control plane requires by default (spring...jwt.audiences). */
  public static final String AUDIENCE = "veneer-api";

  private static final KeyPair KEYS = generate();
  private static final KeyPair STRANGER = generate();
  private static final Path PUBLIC_KEY = writePublicKey();

  private TestTokens() {}

  public static String publicKeyLocation() {
    return PUBLIC_KEY.toUri().toString();
  }

  public static String user(String subject, String... groups) {
    return mint(subject, List.of("user"), List.of(groups));
  }

  public static String admin(String subject) {
    return mint(subject, List.of("admin"), List.of());
  }

  public static String mint(String subject, List<String> roles, List<String> groups) {
    return sign(KEYS, subject, roles, groups, Instant.now().plusSeconds(3600), AUDIENCE, null);
  }

  /**
   * The web portal's own client-credentials token, shaped like Keycloak's: its service account,
   * {@code client_id}, no {@code veneer:*} scope, and the console-proxy realm role.
   */
  public static String consoleProxy() {
    return sign(
        KEYS,
        "service-account-veneer-portal",
        List.of("console-proxy"),
        List.of(),
        Instant.now().plusSeconds(3600),
        AUDIENCE,
        "veneer-portal");
  }

  /** A user's token that expires {@code lifetime} from now. */
  public static String userExpiringIn(String subject, Duration lifetime) {
    return sign(
        KEYS, subject, List.of("user"), List.of(), Instant.now().plus(lifetime), AUDIENCE, null);
  }

  /** An admin token of the right issuer for another application: otherwise perfectly valid. */
  public static String adminOfAnotherAudience(String subject) {
    return sign(
        KEYS,
        subject,
        List.of("admin"),
        List.of(),
        Instant.now().plusSeconds(3600),
        "account",
        null);
  }

  /** An admin token that expired an hour ago: otherwise perfectly valid. */
  public static String expiredAdmin(String subject) {
    return sign(
        KEYS,
        subject,
        List.of("admin"),
        List.of(),
        Instant.now().minusSeconds(3600),
        AUDIENCE,
        null);
  }

  /** An admin token signed with a key the control plane does not trust. */
  public static String wronglySignedAdmin(String subject) {
    return sign(
        STRANGER,
        subject,
        List.of("admin"),
        List.of(),
        Instant.now().plusSeconds(3600),
        AUDIENCE,
        null);
  }

  /** {@code clientId}, when not null, marks a client acting as itself (client credentials). */
  private static String sign(
      KeyPair keys,
      String subject,
      List<String> roles,
      List<String> groups,
      Instant expiry,
      String audience,
      String clientId) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader(JWSAlgorithm.RS256),
              new JWTClaimsSet.Builder()
                  .subject(subject)
                  .issuer(ISSUER)
                  .audience(audience)
                  .claim("roles", roles)
                  .claim("groups", groups)
                  .claim("client_id", clientId)
                  .issueTime(new Date())
                  .expirationTime(Date.from(expiry))
                  .build());
      jwt.sign(new RSASSASigner(keys.getPrivate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path writePublicKey() {
    try {
      Path file = Files.createTempFile("veneer-test-issuer", ".pem");
      file.toFile().deleteOnExit();
      String pem =
          "-----BEGIN PUBLIC KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                  .encodeToString(KEYS.getPublic().getEncoded())
              + "\n-----END PUBLIC KEY-----\n";
      Files.writeString(file, pem);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
