package io.veneer.portal.security;

import java.util.HashSet;
import java.util.Set;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.session.HttpSessionEventPublisher;

/**
 * Login with Keycloak (authorization code + PKCE): tokens stay in the server-side session, the
 * browser holds only the session cookie; CSRF protection is on for every state-changing request.
 */
@Configuration
public class SecurityConfiguration {

  /** The client registration ({@code spring.security.oauth2.client.registration.keycloak}). */
  public static final String REGISTRATION = "keycloak";

  /** Where a person who is not logged in is sent ({@link LoginController}). */
  static final String LOGIN_PAGE = "/login";

  /**
   * Read from the identity provider when first needed, not at start (Spring Boot's own would fail
   * the start while the provider does not answer).
   */
  @Bean
  DiscoveredClientRegistrations clientRegistrationRepository(OAuth2ClientProperties properties) {
    return new DiscoveredClientRegistrations(properties);
  }

  @Bean
  SecurityFilterChain portalSecurity(HttpSecurity http, ClientRegistrationRepository clients)
      throws Exception {
    var pkce =
        new DefaultOAuth2AuthorizationRequestResolver(
            clients,
            OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
    // PKCE for the confidential client too: a stolen authorization code is useless on its own.
    pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
    var logout = new OidcClientInitiatedLogoutSuccessHandler(clients);
    logout.setPostLogoutRedirectUri("{baseUrl}/");
    http.authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(
                        "/webjars/**",
                        "/novnc/**",
                        "/css/**",
                        "/js/**",
                        "/favicon.ico",
                        "/error",
                        LOGIN_PAGE,
                        "/livez",
                        "/readyz",
                        "/actuator/health/**")
                    .permitAll()
                    // The console socket checks its own ticket, user and Origin (ConsoleHandshake).
                    .requestMatchers("/console/ws")
                    .permitAll()
                    .requestMatchers("/admin/**")
                    .hasRole("admin")
                    .anyRequest()
                    .authenticated())
        .oauth2Login(
            login ->
                login
                    // Ours, not the provider's own redirect: it waits while the provider starts.
                    .loginPage(LOGIN_PAGE)
                    .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(pkce))
                    .userInfoEndpoint(userInfo -> userInfo.oidcUserService(oidcUserService())))
        .logout(out -> out.logoutSuccessHandler(logout));
    return http.build();
  }

  /** The OIDC user, with Keycloak's realm roles from the access token as ROLE_ authorities. */
  private static OAuth2UserService<OidcUserRequest, OidcUser> oidcUserService() {
    OidcUserService delegate = new OidcUserService();
    return request -> {
      OidcUser user = delegate.loadUser(request);
      Set<GrantedAuthority> authorities = new HashSet<>(user.getAuthorities());
      AccessTokenRoles.of(request.getAccessToken().getTokenValue())
          .forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role)));
      String nameAttribute =
          request
              .getClientRegistration()
              .getProviderDetails()
              .getUserInfoEndpoint()
              .getUserNameAttributeName();
      return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), nameAttribute);
    };
  }

  /** Tokens live in the person's HTTP session: gone at logout or when the session expires. */
  @Bean
  SessionTokens authorizedClientRepository() {
    return new SessionTokens();
  }

  /** Publishes the end of every HTTP session, at which its console sockets close. */
  @Bean
  static HttpSessionEventPublisher httpSessionEventPublisher() {
    return new HttpSessionEventPublisher();
  }

  /**
   * Hands out the logged-in person's access token for backend calls, refreshing it with the refresh
   * token when it has expired.
   */
  @Bean
  OAuth2AuthorizedClientManager authorizedClientManager(
      ClientRegistrationRepository clients, OAuth2AuthorizedClientRepository authorizedClients) {
    var manager = new DefaultOAuth2AuthorizedClientManager(clients, authorizedClients);
    manager.setAuthorizedClientProvider(
        OAuth2AuthorizedClientProviderBuilder.builder().authorizationCode().refreshToken().build());
    return manager;
  }
}
