package io.veneer.testsupport.keycloak;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.RolesRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/** The realm Veneer expects, as one representation Keycloak imports in a single call. */
final class RealmBlueprint {

  private static final String OIDC = "openid-connect";

  private RealmBlueprint() {}

  static RealmRepresentation realm(String name) {
    RealmRepresentation realm = new RealmRepresentation();
    realm.setRealm(name);
    realm.setEnabled(true);
    RolesRepresentation roles = new RolesRepresentation();
    roles.setRealm(
        Stream.concat(
                VeneerRealm.ROLES.stream().sorted(), Stream.of(VeneerRealm.CONSOLE_PROXY_ROLE))
            .map(RealmBlueprint::role)
            .toList());
    realm.setRoles(roles);
    realm.setGroups(VeneerRealm.GROUPS.stream().sorted().map(RealmBlueprint::group).toList());
    realm.setClients(List.of(portal(), automation(), tests()));
    realm.setUsers(List.of(portalServiceAccount()));
    return realm;
  }

  /**
   * The web portal: a confidential client logging people in with authorization code + PKCE, and
   * acting as itself (client credentials) to redeem console tickets.
   */
  private static ClientRepresentation portal() {
    ClientRepresentation client = client(VeneerRealm.PORTAL);
    client.setStandardFlowEnabled(true);
    client.setServiceAccountsEnabled(true);
    client.setRedirectUris(List.of("http://localhost:*", "http://127.0.0.1:*"));
    client.setWebOrigins(List.of("+"));
    client.setAttributes(
        Map.of("pkce.code.challenge.method", "S256", "post.logout.redirect.uris", "+"));
    return client;
  }

  /** The portal's service account, holding the console-proxy role. */
  private static UserRepresentation portalServiceAccount() {
    UserRepresentation account = new UserRepresentation();
    account.setUsername("service-account-" + VeneerRealm.PORTAL.clientId());
    account.setEnabled(true);
    account.setServiceAccountClientId(VeneerRealm.PORTAL.clientId());
    account.setRealmRoles(List.of(VeneerRealm.CONSOLE_PROXY_ROLE));
    return account;
  }

  /** Scripts and other services: client credentials, acting as the client's service account. */
  private static ClientRepresentation automation() {
    ClientRepresentation client = client(VeneerRealm.AUTOMATION);
    client.setServiceAccountsEnabled(true);
    return client;
  }

  /** Lets tests log people in without a browser (the password grant). */
  private static ClientRepresentation tests() {
    ClientRepresentation client = client(VeneerRealm.TESTS.clientId());
    client.setPublicClient(true);
    client.setDirectAccessGrantsEnabled(true);
    return client;
  }

  private static ClientRepresentation client(ClientCredentials credentials) {
    ClientRepresentation client = client(credentials.clientId());
    client.setPublicClient(false);
    client.setSecret(credentials.secret());
    return client;
  }

  /** Every flow is off until a client turns its own on; every token carries groups and audience. */
  private static ClientRepresentation client(String clientId) {
    ClientRepresentation client = new ClientRepresentation();
    client.setClientId(clientId);
    client.setEnabled(true);
    client.setProtocol(OIDC);
    client.setStandardFlowEnabled(false);
    client.setImplicitFlowEnabled(false);
    client.setDirectAccessGrantsEnabled(false);
    client.setServiceAccountsEnabled(false);
    client.setProtocolMappers(List.of(groupsMapper(), audienceMapper()));
    return client;
  }

  /** Realm roles reach realm_access.roles through Keycloak's default "roles" scope already. */
  private static ProtocolMapperRepresentation groupsMapper() {
    return mapper(
        "groups",
        "oidc-group-membership-mapper",
        Map.of(
            "claim.name", "groups",
            "full.path", "false",
            "access.token.claim", "true",
            "id.token.claim", "true",
            "userinfo.token.claim", "true",
            "introspection.token.claim", "true"));
  }

  private static ProtocolMapperRepresentation audienceMapper() {
    return mapper(
        "audience",
        "oidc-audience-mapper",
        Map.of(
            "included.custom.audience", VeneerRealm.AUDIENCE,
            "access.token.claim", "true",
            "introspection.token.claim", "true"));
  }

  private static ProtocolMapperRepresentation mapper(
      String name, String type, Map<String, String> config) {
    ProtocolMapperRepresentation mapper = new ProtocolMapperRepresentation();
    mapper.setName(name);
    mapper.setProtocol(OIDC);
    mapper.setProtocolMapper(type);
    mapper.setConfig(config);
    return mapper;
  }

  private static RoleRepresentation role(String name) {
    RoleRepresentation role = new RoleRepresentation();
    role.setName(name);
    return role;
  }

  private static GroupRepresentation group(String name) {
    GroupRepresentation group = new GroupRepresentation();
    group.setName(name);
    return group;
  }
}
