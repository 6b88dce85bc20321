package io.veneer.images.api;

import io.veneer.images.ImagesProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * Who may call the images API (REST and gRPC): automation presenting {@code
 * veneer.images.api-token}, a person whose access token from {@code veneer.images.oidc-issuer-uri}
 * carries the {@code admin} realm role, or anyone in local development mode.
 */
@Component
public final class ApiAccess {

  private static final Logger log = LoggerFactory.getLogger(ApiAccess.class);
  private static final String BEARER = "Bearer ";

  /** What the API does with a caller. */
  public sealed interface Verdict {
    /** Let in. */
    record Admitted(String who) implements Verdict {}

    /** No credential, or one that does not check out: 401 / UNAUTHENTICATED. */
    record Unauthenticated(String why) implements Verdict {}

    /** A person known to the issuer but without the admin role: 403 / PERMISSION_DENIED. */
    record Forbidden(String why) implements Verdict {}
  }

  private final byte[] token;
  private final boolean localDevMode;
  private final String issuer;
  private final String jwkSetUri;
  private final String audience;
  private volatile JwtDecoder decoder;

  public ApiAccess(ImagesProperties properties) {
    this.localDevMode = properties.localDevMode();
    this.token =
        properties.apiToken() == null || properties.apiToken().isBlank()
            ? null
            : properties.apiToken().getBytes(StandardCharsets.UTF_8);
    this.issuer = properties.oidcIssuerUri();
    this.jwkSetUri = properties.oidcJwkSetUri();
    this.audience = properties.oidcAudience();
    if (localDevMode) {
      log.warn(
          "event=local-dev-mode the images API is open to anyone who can reach it;"
              + " set veneer.images.api-token and turn local-dev-mode off outside development");
    }
  }

  /** The verdict on a caller presenting this Authorization header (or null). */
  public Verdict check(String authorization) {
    if (localDevMode) {
      return new Verdict.Admitted("local-dev-mode");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, 7)) {
      return new Verdict.Unauthenticated(refusal());
    }
    String presented = authorization.substring(BEARER.length()).strip();
    if (token != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      return new Verdict.Admitted("api-token");
    }
    if (issuer.isBlank()) {
      return new Verdict.Unauthenticated(refusal());
    }
    return person(presented);
  }

  private Verdict person(String presented) {
    Jwt jwt;
    try {
      jwt = decoder().decode(presented);
    } catch (BadJwtException e) {
      return new Verdict.Unauthenticated(
          "The bearer token is not valid (" + e.getMessage() + "); get a new one from " + issuer);
    } catch (RuntimeException e) {
      log.warn("event=token-check-failed issuer={} error={}", issuer, e.toString());
      return new Verdict.Unauthenticated(
          "Tokens cannot be checked right now (the issuer " + issuer + " does not answer)");
    }
    if (!roles(jwt).contains("admin")) {
      return new Verdict.Forbidden(
          "Managing golden images needs the admin role; " + jwt.getSubject() + " does not have it");
    }
    return new Verdict.Admitted(jwt.getSubject());
  }

  /** Built on first use, so that the service starts while the issuer is still coming up. */
  private JwtDecoder decoder() {
    JwtDecoder current = decoder;
    if (current == null) {
      NimbusJwtDecoder nimbus =
          jwkSetUri.isBlank()
              ? NimbusJwtDecoder.withIssuerLocation(issuer).build()
              : NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
      nimbus.setJwtValidator(
          new DelegatingOAuth2TokenValidator<>(
              JwtValidators.createDefaultWithIssuer(issuer),
              new JwtClaimValidator<List<String>>(
                  JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience))));
      current = nimbus;
      decoder = current;
    }
    return current;
  }

  /** Realm roles as Keycloak puts them ({@code realm_access.roles}) or a plain {@code roles}. */
  private static Collection<String> roles(Jwt jwt) {
    Object realm = jwt.getClaim("realm_access");
    return Stream.concat(
            strings(jwt.getClaim("roles")),
            realm instanceof Map<?, ?> map ? strings(map.get("roles")) : Stream.empty())
        .toList();
  }

  private static Stream<String> strings(Object claim) {
    return claim instanceof Collection<?> values
        ? values.stream().map(String::valueOf)
        : claim instanceof String single ? Stream.of(single) : Stream.of();
  }

  /** The exception that turns a refused caller away ({@link Failure} says how), or empty. */
  static Optional<RuntimeException> turnedAway(Verdict verdict) {
    return switch (verdict) {
      case Verdict.Admitted admitted -> Optional.empty();
      case Verdict.Unauthenticated refused -> Optional.of(new UnauthorizedException(refused.why()));
      case Verdict.Forbidden refused -> Optional.of(new ForbiddenException(refused.why()));
    };
  }

  /** What to tell a caller without a credential. */
  public static String refusal() {
    return "Present the images API token (veneer.images.api-token) or an access token with the"
        + " admin role as 'Authorization: Bearer <token>'";
  }
}
