package io.veneer.controlplane.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where group membership comes from ({@code veneer.identity.*}).
 *
 * @param keycloakUrl base URL of Keycloak (e.g. {@code http://127.0.0.1:8180}); blank = groups are
 *     read from the caller's token only
 * @param realm the realm whose users and groups are entitled (default {@code veneer})
 * @param clientId a confidential client with a service account allowed to view users and groups
 *     (realm-management roles {@code view-users}, {@code query-groups})
 * @param clientSecret its secret
 * @param membershipCacheSeconds how long a user's groups are trusted before Keycloak is asked
 *     again: the longest a removal from a group takes to count (default 30)
 */
@ConfigurationProperties("veneer.identity")
public record IdentityProperties(
    @DefaultValue("") String keycloakUrl,
    @DefaultValue("veneer") String realm,
    @DefaultValue("veneer-control-plane") String clientId,
    @DefaultValue("") String clientSecret,
    @DefaultValue("30") int membershipCacheSeconds) {

  public IdentityProperties {
    if (membershipCacheSeconds < 0) {
      throw new IllegalArgumentException(
          "veneer.identity.membership-cache-seconds cannot be negative, was "
              + membershipCacheSeconds);
    }
  }
}
