package io.veneer.portal.security;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientPropertiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * The client registrations of {@code spring.security.oauth2.client.*}, made when first asked for
 * rather than at start. A provider named by its {@code issuer-uri} is read from its discovery
 * document, and the portal starts (and answers its health probes) while the identity provider may
 * still be starting, as it is on one machine under {@code ./veneer up}. They are made once, when
 * the provider first answers; until then every lookup throws {@link IdentityProviderUnavailable}.
 */
public final class DiscoveredClientRegistrations implements ClientRegistrationRepository {

  private static final Logger log = LoggerFactory.getLogger(DiscoveredClientRegistrations.class);

  private final OAuth2ClientProperties properties;
  private volatile Map<String, ClientRegistration> registrations;

  public DiscoveredClientRegistrations(OAuth2ClientProperties properties) {
    this.properties = properties;
  }

  /**
   * @throws IdentityProviderUnavailable when a provider's discovery document cannot be read yet
   */
  @Override
  public ClientRegistration findByRegistrationId(String registrationId) {
    return registrations().get(registrationId);
  }

  private Map<String, ClientRegistration> registrations() {
    Map<String, ClientRegistration> known = registrations;
    if (known != null) {
      return known;
    }
    // One discovery at a time: the requests that arrive meanwhile take its result.
    synchronized (this) {
      if (registrations == null) {
        try {
          registrations =
              Map.copyOf(new OAuth2ClientPropertiesMapper(properties).asClientRegistrations());
          log.info("event=login.provider.discovered registrations={}", registrations.keySet());
        } catch (IllegalArgumentException e) {
          // Spring's discovery wraps every failure (refused, 404, wrong issuer) in this.
          IdentityProviderUnavailable unavailable = new IdentityProviderUnavailable(issuers(), e);
          log.info(
              "event=login.provider.unavailable issuers={} error=\"{}\"",
              unavailable.issuers(),
              unavailable.getMessage());
          throw unavailable;
        }
      }
      return registrations;
    }
  }

  private String issuers() {
    return String.join(
        ", ",
        properties.getProvider().values().stream()
            .map(OAuth2ClientProperties.Provider::getIssuerUri)
            .filter(issuer -> issuer != null && !issuer.isBlank())
            .toList());
  }
}
