package io.veneer.portal.backend;

import io.micrometer.observation.ObservationRegistry;
import io.veneer.portal.PortalProperties;
import io.veneer.portal.security.SecurityConfiguration;
import java.net.http.HttpClient;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.web.client.RestClient;

/**
 * The two backends, each called with the logged-in person's own access token (relayed, never shown
 * to the browser), so the control plane and image service authorize the person themselves; and the
 * control plane once more as the portal itself, for what only its console proxy may do.
 */
@Configuration
class BackendClients {

  /**
   * The portal acting as itself: the login registration's client with the client-credentials grant,
   * whose service account holds the control plane's {@code console-proxy} role.
   */
  static final String SERVICE_REGISTRATION = "portal-service";

  private static final Authentication PORTAL =
      new AnonymousAuthenticationToken(
          SERVICE_REGISTRATION,
          SERVICE_REGISTRATION,
          AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

  @Bean
  ControlPlane controlPlane(
      PortalProperties properties,
      OAuth2AuthorizedClientManager tokens,
      ClientRegistrationRepository registrations,
      ObjectProvider<ObservationRegistry> observations) {
    String api = properties.controlPlaneUrl().resolve("/api/v1/").toString();
    ObservationRegistry traced = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
    return new ControlPlane(
        client("The control plane", properties, relay(tokens), traced).baseUrl(api).build(),
        client("The control plane", properties, asThePortal(registrations), traced)
            .baseUrl(api)
            .build());
  }

  @Bean
  GoldenImages goldenImages(
      PortalProperties properties,
      OAuth2AuthorizedClientManager tokens,
      ObjectProvider<ObservationRegistry> observations) {
    return new GoldenImages(
        client(
                "The golden image service",
                properties,
                relay(tokens),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP))
            .baseUrl(properties.imageServiceUrl().resolve("/api/v1/").toString())
            .build());
  }

  private static ClientHttpRequestInterceptor relay(OAuth2AuthorizedClientManager tokens) {
    var relay = new OAuth2ClientHttpRequestInterceptor(tokens);
    relay.setClientRegistrationIdResolver(request -> SecurityConfiguration.REGISTRATION);
    return relay;
  }

  /**
   * The portal's own client-credentials token, fetched when needed and kept until it expires. Its
   * registration is derived from the login's at each lookup: that one exists only once the identity
   * provider has answered.
   */
  private static ClientHttpRequestInterceptor asThePortal(
      ClientRegistrationRepository registrations) {
    ClientRegistrationRepository service =
        registrationId ->
            SERVICE_REGISTRATION.equals(registrationId)
                ? ClientRegistration.withClientRegistration(
                        registrations.findByRegistrationId(SecurityConfiguration.REGISTRATION))
                    .registrationId(SERVICE_REGISTRATION)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .scope(Set.of())
                    .build()
                : null;
    var authorized = new InMemoryOAuth2AuthorizedClientService(service);
    var manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(service, authorized);
    manager.setAuthorizedClientProvider(
        OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
    var interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
    interceptor.setClientRegistrationIdResolver(request -> SERVICE_REGISTRATION);
    interceptor.setPrincipalResolver(request -> PORTAL);
    // A token the control plane refuses (401) is forgotten, so the next call fetches a new one.
    interceptor.setAuthorizationFailureHandler(
        OAuth2ClientHttpRequestInterceptor.authorizationFailureHandler(authorized));
    return interceptor;
  }

  /** Observed, so that each call carries the person's trace on to the backend (traceparent). */
  private static RestClient.Builder client(
      String service,
      PortalProperties properties,
      ClientHttpRequestInterceptor credentials,
      ObservationRegistry observations) {
    var http = HttpClient.newBuilder().connectTimeout(properties.backendTimeout()).build();
    var requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(properties.backendTimeout());
    return RestClient.builder()
        .observationRegistry(observations)
        .requestFactory(requests)
        .requestInterceptor(credentials)
        .defaultStatusHandler(
            HttpStatusCode::isError,
            (request, response) -> {
              throw BackendProblem.read(
                  service, response.getStatusCode().value(), response.getBody());
            });
  }
}
