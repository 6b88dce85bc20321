package io.veneer.controlplane.security;

import jakarta.servlet.DispatcherType;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * OAuth2 resource server: JWTs from the configured issuer (Keycloak in production). Roles come from
 * the {@code roles} claim or Keycloak's {@code realm_access.roles}; {@code admin} and {@code user}
 * matter, and {@code console-proxy} for the portal's service account. The decoder is Spring Boot's,
 * from {@code spring.security.oauth2.resourceserver.jwt.*}.
 */
@Configuration
public class SecurityConfiguration {

  /**
   * The realm role of the web portal's own service account (its client-credentials token): the only
   * caller that may redeem console tickets. No person holds it, admins included.
   */
  public static final String CONSOLE_PROXY_ROLE = "console-proxy";

  /** Where the console proxy redeems tickets; governed by {@link #CONSOLE_PROXY_ROLE} alone. */
  public static final String CONSOLE_REDEMPTION = "/api/v1/console-tickets/redeem";

  /** Where the console proxy reports input to a desktop; {@link #CONSOLE_PROXY_ROLE} alone. */
  public static final String CONSOLE_INPUT = "/api/v1/desktops/{id}/console-input";

  @Bean
  SecurityFilterChain api(HttpSecurity http) throws Exception {
    ProblemResponses problems = new ProblemResponses();
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            auth ->
                // The container's error dispatch carries the answer to a request this chain has
                // already judged; denied, a failure (a 500, say) reached its caller as a 403.
                // The actuator's paths are served on the management port only (and the OpenAPI
                // document, Swagger UI with it); the public port has just the probes.
                auth.dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    .requestMatchers(
                        "/livez",
                        "/readyz",
                        "/actuator/health/**",
                        "/actuator/health",
                        "/actuator/prometheus",
                        "/actuator/openapi/**",
                        "/actuator/openapi",
                        "/actuator/swagger-ui/**",
                        "/actuator/swagger-ui")
                    .permitAll()
                    // Admin-only areas are refused here already, before any request body is read;
                    // the services check again, for the gRPC API and as the last word.
                    .requestMatchers(
                        "/api/v1/hosts/**",
                        "/api/v1/hosts",
                        "/api/v1/audit",
                        "/api/v1/directory/**",
                        "/api/v1/quotas",
                        "/api/v1/quotas/**")
                    .hasRole("admin")
                    .requestMatchers(HttpMethod.POST, CONSOLE_REDEMPTION, CONSOLE_INPUT)
                    .hasRole(CONSOLE_PROXY_ROLE)
                    .requestMatchers(HttpMethod.POST, "/api/v1/pools")
                    .hasRole("admin")
                    .requestMatchers(HttpMethod.PUT, "/api/v1/pools/*")
                    .hasRole("admin")
                    .requestMatchers(HttpMethod.DELETE, "/api/v1/pools/*")
                    .hasRole("admin")
                    .requestMatchers("/api/**")
                    .hasAnyRole("admin", "user")
                    .anyRequest()
                    .denyAll())
        .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
        .addFilterAfter(new ScopeFilter(problems), AuthorizationFilter.class)
        .oauth2ResourceServer(
            oauth ->
                oauth
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems)
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(new RolesConverter())));
    return http.build();
  }

  /** Maps a JWT's roles to ROLE_admin / ROLE_user authorities. */
  static final class RolesConverter implements Converter<Jwt, AbstractAuthenticationToken> {
    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
      Set<GrantedAuthority> authorities =
          roles(jwt).stream()
              .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role))
              .collect(Collectors.toSet());
      return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    }
  }

  /** The realm roles a token carries: a {@code roles} claim or Keycloak's realm_access.roles. */
  public static Set<String> roles(Jwt jwt) {
    Stream<String> direct = strings(jwt.getClaim("roles"));
    Object realm = jwt.getClaim("realm_access");
    Stream<String> keycloak =
        realm instanceof Map<?, ?> map ? strings(map.get("roles")) : Stream.empty();
    return Stream.concat(direct, keycloak).collect(Collectors.toSet());
  }

  static Set<String> groups(Jwt jwt) {
    return strings(jwt.getClaim("groups")).collect(Collectors.toSet());
  }

  private static Stream<String> strings(Object claim) {
    return claim instanceof Collection<?> values
        ? values.stream().map(String::valueOf)
        : claim instanceof String single ? Stream.of(single) : Stream.of();
  }

  /**
   * The {@code veneer:*} scopes of a client acting as itself (a client-credentials token, which
   * Keycloak marks with {@code client_id}); empty for a person, whom roles alone govern.
   */
  public static Optional<Set<String>> clientScopes(Jwt jwt) {
    String username = jwt.getClaimAsString("preferred_username");
    boolean client =
        jwt.hasClaim("client_id") || (username != null && username.startsWith("service-account-"));
    if (!client) {
      return Optional.empty();
    }
    String scope = jwt.getClaimAsString("scope");
    return Optional.of(
        scope == null
            ? Set.of()
            : Stream.of(scope.split(" ")).filter(Scopes.ALL::contains).collect(Collectors.toSet()));
  }

  /** The caller of the current request. */
  public static Caller callerOf(JwtAuthenticationToken token) {
    Jwt jwt = token.getToken();
    return new Caller(jwt.getSubject(), roles(jwt).contains("admin"), groups(jwt));
  }
}
