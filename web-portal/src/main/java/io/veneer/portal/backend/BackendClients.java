package io.veneer.portal.backend;

import io.veneer.portal.PortalProperties;
import io.veneer.portal.security.SecurityConfiguration;
import java.net.http.HttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

/**
 * The two backends, each called with the logged-in person's own access token (relayed, never shown
 * to the browser), so the control plane and image service authorize the person themselves.
 */
@Configuration
class BackendClients {

  @Bean
  ControlPlane controlPlane(PortalProperties properties, OAuth2AuthorizedClientManager tokens) {
    return new ControlPlane(
        client("The control plane", properties, tokens)
            .baseUrl(properties.controlPlaneUrl().resolve("/api/v1/").toString())
            .build());
  }

  @Bean
  GoldenImages goldenImages(PortalProperties properties, OAuth2AuthorizedClientManager tokens) {
    return new GoldenImages(
        client("The golden image service", properties, tokens)
            .baseUrl(properties.imageServiceUrl().resolve("/api/v1/").toString())
            .build());
  }

  private static RestClient.Builder client(
      String service, PortalProperties properties, OAuth2AuthorizedClientManager tokens) {
    var relay = new OAuth2ClientHttpRequestInterceptor(tokens);
    relay.setClientRegistrationIdResolver(request -> SecurityConfiguration.REGISTRATION);
    var http = HttpClient.newBuilder().connectTimeout(properties.backendTimeout()).build();
    var requests = new JdkClientHttpRequestFactory(http);
    requests.setReadTimeout(properties.backendTimeout());
    return RestClient.builder()
        .requestFactory(requests)
        .requestInterceptor(relay)
        .defaultStatusHandler(
            HttpStatusCode::isError,
            (request, response) -> {
              throw BackendProblem.read(
                  service, response.getStatusCode().value(), response.getBody());
            });
  }
}
