package io.veneer.portal.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenID provider just big enough for the portal's login: discovery, an authorization endpoint
 * that logs in whoever {@link #nextLogin} names at once, a token endpoint that checks the client
 * secret and the PKCE verifier (or gives the portal's client its own token by client credentials,
 * as its service account, with the console-proxy role), and signing keys. Tokens are signed JWTs
 * shaped like Keycloak's ({@code preferred_username}, {@code realm_access.roles}).
 */
public final class FakeOidcProvider extends FakeHttpServer {

  public static final String CLIENT_ID = "veneer-portal";
  public static final String CLIENT_SECRET = "portal-secret";

  /** The subject of the portal's own (client-credentials) tokens, as Keycloak names it. */
  public static final String SERVICE_ACCOUNT = "service-account-" + CLIENT_ID;

  /** What the authorization endpoint was given, kept until the code is redeemed. */
  private record Grant(String username, Set<String> roles, String nonce, String challenge) {}

  /** What the token endpoint was sent for one code (for tests of PKCE). */
  public record TokenRequest(String codeVerifier, String codeChallenge, String challengeMethod) {}

  private final RSAKey key;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final List<TokenRequest> tokenRequests =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** What Keycloak answers for a realm it does not hold (yet). */
  private static final Map<String, String> REALM_MISSING = Map.of("error", "Realm does not exist");

  private volatile boolean realmReady = true;
  private volatile String nextUser = "nobody";
  private volatile Set<String> nextRoles = Set.of("user");
  private volatile String lastChallengeMethod;
  private volatile Duration tokenLifetime = Duration.ofSeconds(300);
  private volatile boolean refreshable;
  private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
  private final AtomicInteger refreshes = new AtomicInteger();

  public FakeOidcProvider() {
    try {
      key = new RSAKeyGenerator(2048).keyID("fake").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    route(
        "GET",
        "/realms/veneer/.well-known/openid-configuration",
        (x, m, c) -> realmReady ? discovery() : new Reply(404, REALM_MISSING));
    route("GET", "/realms/veneer/certs", (x, m, c) -> new JWKSet(key.toPublicJWK()).toJSONObject());
    route(
        "GET",
        "/realms/veneer/auth",
        (exchange, m, c) -> {
          Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
          String code = UUID.randomUUID().toString();
          lastChallengeMethod = query.get("code_challenge_method");
          codes.put(
              code,
              new Grant(nextUser, nextRoles, query.get("nonce"), query.get("code_challenge")));
          exchange
              .getResponseHeaders()
              .set(
                  "Location",
                  query.get("redirect_uri")
                      + "?code="
                      + code
                      + "&state="
                      + java.net.URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(302, -1);
          return Answered.YES;
        });
    route(
        "POST",
        "/realms/veneer/token",
        (exchange, m, c) -> {
          String basic =
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
          if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            throw new Problem(401, "bad client credentials");
          }
          Map<String, String> form =
              form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if ("client_credentials".equals(form.get("grant_type"))) {
            return Map.of(
                "access_token", serviceToken(), "token_type", "Bearer", "expires_in", 300);
          }
          if ("refresh_token".equals(form.get("grant_type"))) {
            Grant refreshed = refreshTokens.get(String.valueOf(form.get("refresh_token")));
            if (refreshed == null) {
              return new Reply(400, Map.of("error", "invalid_grant"));
            }
            refreshes.incrementAndGet();
            return Map.of(
                "access_token",
                accessToken(refreshed.username(), refreshed.roles()),
                "token_type",
                "Bearer",
                "expires_in",
                tokenLifetime.toSeconds());
          }
          Grant grant = codes.remove(form.get("code"));
          if (grant == null) {
            throw new Problem(400, "unknown code");
          }
          String verifier = form.get("code_verifier");
          tokenRequests.add(new TokenRequest(verifier, grant.challenge(), lastChallengeMethod));
          if (verifier == null || !s256(verifier).equals(grant.challenge())) {
            throw new Problem(400, "PKCE verification failed");
          }
          Map<String, Object> tokens = new HashMap<>();
          tokens.put("access_token", accessToken(grant.username(), grant.roles()));
          tokens.put("id_token", idToken(grant));
          tokens.put("token_type", "Bearer");
          tokens.put("expires_in", tokenLifetime.toSeconds());
          tokens.put("scope", "openid");
          if (refreshable) {
            String refreshToken = UUID.randomUUID().toString();
            refreshTokens.put(refreshToken, grant);
            tokens.put("refresh_token", refreshToken);
          }
          return tokens;
        });
    start();
  }

  /**
   * Until {@link #realmReady}, discovery answers 404 as a starting Keycloak does before its realm
   * is there.
   */
  public void realmNotReady() {
    realmReady = false;
  }

  public void realmReady() {
    realmReady = true;
  }

  /** The next login through the authorization endpoint is this person, with these roles. */
  public void nextLogin(String username, Set<String> roles) {
    nextUser = username;
    nextRoles = Set.copyOf(roles);
  }

  /**
   * Access tokens from the next login on (and their refreshes) live {@code lifetime}; with {@code
   * refreshable}, logins also get a refresh token the token endpoint honours.
   */
  public void tokensFromNextLogin(Duration lifetime, boolean refreshable) {
    this.tokenLifetime = lifetime;
    this.refreshable = refreshable;
  }

  /** From now on, every refresh token given out so far is refused (revoked). */
  public void refusesRefreshes() {
    refreshTokens.clear();
  }

  /** How many times a refresh token was redeemed. */
  public int refreshes() {
    return refreshes.get();
  }

  public String issuer() {
    return baseUri() + "/realms/veneer";
  }

  public List<TokenRequest> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  /** An access token as Keycloak would issue it for the person. */
  public String accessToken(String username, Set<String> roles) {
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject(username)
            .audience("veneer-api")
            .claim("preferred_username", username)
            .claim("realm_access", Map.of("roles", List.copyOf(roles)))
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plus(tokenLifetime)))
            .build());
  }

  /** The portal's own token: its service account, with the console-proxy realm role. */
  private String serviceToken() {
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject(SERVICE_ACCOUNT)
            .audience("veneer-api")
            .claim("client_id", CLIENT_ID)
            .claim("preferred_username", SERVICE_ACCOUNT)
            .claim("realm_access", Map.of("roles", List.of("console-proxy")))
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(300)))
            .build());
  }

  private String idToken(Grant grant) {
    return sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject(grant.username())
            .audience(CLIENT_ID)
            .claim("preferred_username", grant.username())
            .claim("nonce", grant.nonce())
            .issueTime(new Date())
            .expirationTime(Date.from(Instant.now().plusSeconds(300)))
            .build());
  }

  private String sign(JWTClaimsSet claims) {
    try {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      jwt.sign(new RSASSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> discovery() {
    String issuer = issuer();
    return Map.of(
        "issuer", issuer,
        "authorization_endpoint", issuer + "/auth",
        "token_endpoint", issuer + "/token",
        "jwks_uri", issuer + "/certs",
        "response_types_supported", List.of("code"),
        "subject_types_supported", List.of("public"),
        "id_token_signing_alg_values_supported", List.of("RS256"),
        "code_challenge_methods_supported", List.of("S256"),
        "token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
  }

  static String s256(String verifier) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
