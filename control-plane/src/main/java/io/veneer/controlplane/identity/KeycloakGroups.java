package io.veneer.controlplane.identity;

import io.veneer.controlplane.security.Caller;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Group membership read from Keycloak with keycloak-admin-client, as the control plane's service
 * account. A user's groups are kept for {@code membershipCacheSeconds}, so that a removal from a
 * group counts within that time without every request going to Keycloak. When Keycloak cannot be
 * reached and the cached answer is too old, the check fails closed: nobody gains a pool because the
 * directory is down, while desktops already handed out stay with their users.
 */
final class KeycloakGroups implements GroupDirectory, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(KeycloakGroups.class);

  private record Membership(Set<String> groups, Instant until) {}

  private final IdentityProperties properties;
  private final Clock clock;
  private final Keycloak keycloak;
  private final Map<String, Membership> cache = new ConcurrentHashMap<>();

  KeycloakGroups(IdentityProperties properties, Clock clock) {
    this.properties = properties;
    this.clock = clock;
    this.keycloak =
        KeycloakBuilder.builder()
            .serverUrl(properties.keycloakUrl())
            .realm(properties.realm())
            .grantType(OAuth2Constants.CLIENT_CREDENTIALS)
            .clientId(properties.clientId())
            .clientSecret(properties.clientSecret())
            .build();
  }

  @Override
  public Set<String> groupsOf(Caller caller) {
    Instant now = clock.instant();
    Membership cached = cache.get(caller.subject());
    if (cached != null && now.isBefore(cached.until())) {
      return cached.groups();
    }
    Set<String> groups =
        ask(
            "the groups of " + caller.subject(),
            () -> {
              try {
                return realm().users().get(caller.subject()).groups().stream()
                    .map(GroupRepresentation::getName)
                    .collect(Collectors.toUnmodifiableSet());
              } catch (NotFoundException e) {
                // Not a Keycloak user (a service account, a deleted user): in no group.
                return Set.of();
              }
            });
    cache.put(
        caller.subject(),
        new Membership(groups, now.plus(Duration.ofSeconds(properties.membershipCacheSeconds()))));
    return groups;
  }

  @Override
  public List<String> groups() {
    return ask(
        "the realm's groups",
        () ->
            realm().groups().groups().stream().map(GroupRepresentation::getName).sorted().toList());
  }

  @Override
  public List<DirectoryUser> users(String search, int max) {
    return ask(
        "users matching '" + search + "'",
        () ->
            realm()
                .users()
                .search(search == null ? "" : search, 0, Math.clamp(max, 1, 500))
                .stream()
                .map(KeycloakGroups::user)
                .toList());
  }

  private static DirectoryUser user(UserRepresentation user) {
    String fullName =
        ((user.getFirstName() == null ? "" : user.getFirstName())
                + " "
                + (user.getLastName() == null ? "" : user.getLastName()))
            .strip();
    return new DirectoryUser(
        user.getId(), user.getUsername(), user.getEmail() == null ? "" : user.getEmail(), fullName);
  }

  private RealmResource realm() {
    return keycloak.realm(properties.realm());
  }

  private interface Lookup<T> {
    T run();
  }

  private <T> T ask(String what, Lookup<T> lookup) {
    try {
      return lookup.run();
    } catch (ProcessingException | WebApplicationException e) {
      log.warn(
          "event=identity.lookup-failed what=\"{}\" keycloak={} error={}",
          what,
          properties.keycloakUrl(),
          e.toString());
      throw new DirectoryUnavailableException(
          "Cannot read "
              + what
              + " from Keycloak at "
              + properties.keycloakUrl()
              + " right now, so pool entitlements by group cannot be checked; try again shortly"
              + " (desktops you already have keep working)",
          e);
    }
  }

  @Override
  public void destroy() {
    keycloak.close();
  }
}
