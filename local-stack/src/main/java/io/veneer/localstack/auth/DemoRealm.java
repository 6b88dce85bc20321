package io.veneer.localstack.auth;

import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.keycloak.admin.client.resource.ClientResource;
import org.keycloak.admin.client.resource.ClientsResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.PartialImportRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * The {@code veneer} realm of the stack's Keycloak, created or brought up to date at every {@code
 * up} through the admin REST API. The realm itself (roles admin/user, groups engineering/finance,
 * the {@code veneer-portal} and {@code veneer-automation} clients, the groups and audience mappers)
 * is test-support's {@link VeneerRealm}, reached through {@link TestKeycloak} pointed at this
 * server; on top of it: the portal's exact redirect URI, the automation client's service account
 * allowed to look people and groups up (the control plane's directory client), the portal's service
 * account with the console-proxy role (realms made before it), the public {@code veneer-cli} client
 * for the password grant, one-hour access tokens, and the demo users.
 */
public final class DemoRealm {

  public static final String REALM = TestKeycloak.REALM;

  /** Public client with direct access grants, for curl. */
  public static final String CLI_CLIENT = "veneer-cli";

  /** The control plane's directory client (a confidential client with a service account). */
  public static final String DIRECTORY_CLIENT = VeneerRealm.AUTOMATION.clientId();

  public static final String DIRECTORY_CLIENT_SECRET = VeneerRealm.AUTOMATION.secret();
  public static final String PORTAL_CLIENT = VeneerRealm.PORTAL.clientId();
  public static final String PORTAL_CLIENT_SECRET = VeneerRealm.PORTAL.secret();

  /** What the control plane needs to resolve groups and list the directory. */
  static final List<String> DIRECTORY_ROLES = List.of("view-users", "query-groups");

  private static final int ACCESS_TOKEN_SECONDS = 3600;

  private DemoRealm() {}

  /**
   * Sets the realm up on the Keycloak at {@code baseUrl}, logging in as its master administrator.
   * Call once per JVM: TestKeycloak keeps its first server.
   */
  public static void setUp(
      URI baseUrl,
      String adminUsername,
      String adminPassword,
      URI portalUrl,
      Map<DemoUser, String> passwords) {
    System.setProperty("veneer.keycloak.url", baseUrl.toString());
    System.setProperty("veneer.keycloak.admin-username", adminUsername);
    System.setProperty("veneer.keycloak.admin-password", adminPassword);
    VeneerRealm realm = TestKeycloak.get();
    RealmResource admin = realm.admin();

    RealmRepresentation settings = admin.toRepresentation();
    settings.setAccessTokenLifespan(ACCESS_TOKEN_SECONDS);
    admin.update(settings);

    ClientsResource clients = admin.clients();
    ClientRepresentation portal = clients.findByClientId(PORTAL_CLIENT).get(0);
    portal.setRedirectUris(List.of(portalUrl + "/login/oauth2/code/keycloak"));
    portal.setRootUrl(portalUrl.toString());
    portal.setBaseUrl(portalUrl.toString());
    portal.setServiceAccountsEnabled(true);
    clients.get(portal.getId()).update(portal);

    grantDirectoryRoles(clients);
    grantConsoleProxyRole(admin, clients.get(portal.getId()));
    ensureCliClient(clients, portal);
    importUsers(admin, passwords);
  }

  private static void grantDirectoryRoles(ClientsResource clients) {
    ClientRepresentation directory = clients.findByClientId(DIRECTORY_CLIENT).get(0);
    UserRepresentation account = clients.get(directory.getId()).getServiceAccountUser();
    ClientRepresentation realmManagement = clients.findByClientId("realm-management").get(0);
    ClientResource management = clients.get(realmManagement.getId());
    List<RoleRepresentation> roles =
        DIRECTORY_ROLES.stream()
            .map(role -> management.roles().get(role).toRepresentation())
            .toList();
    RealmResource realm = TestKeycloak.get().admin();
    realm.users().get(account.getId()).roles().clientLevel(realmManagement.getId()).add(roles);
  }

  /**
   * The portal's service account redeems console tickets; a realm made before it did gets the role
   * and the grant here (both are no-ops when present).
   */
  private static void grantConsoleProxyRole(RealmResource realm, ClientResource portal) {
    String name = VeneerRealm.CONSOLE_PROXY_ROLE;
    if (realm.roles().list().stream().noneMatch(role -> role.getName().equals(name))) {
      RoleRepresentation role = new RoleRepresentation();
      role.setName(name);
      realm.roles().create(role);
    }
    UserRepresentation account = portal.getServiceAccountUser();
    realm
        .users()
        .get(account.getId())
        .roles()
        .realmLevel()
        .add(List.of(realm.roles().get(name).toRepresentation()));
  }

  /**
   * Public, the password and device authorization grants; tokens carry the same groups and audience
   * as the portal's.
   */
  private static void ensureCliClient(ClientsResource clients, ClientRepresentation portal) {
    if (!clients.findByClientId(CLI_CLIENT).isEmpty()) {
      return;
    }
    ClientRepresentation cli = new ClientRepresentation();
    cli.setClientId(CLI_CLIENT);
    cli.setName("curl and scripts (local stack)");
    cli.setEnabled(true);
    cli.setProtocol("openid-connect");
    cli.setPublicClient(true);
    cli.setStandardFlowEnabled(false);
    cli.setImplicitFlowEnabled(false);
    cli.setServiceAccountsEnabled(false);
    cli.setDirectAccessGrantsEnabled(true);
    // ./veneer login: the device authorization grant (the password grant with --username).
    cli.setAttributes(Map.of("oauth2.device.authorization.grant.enabled", "true"));
    List<ProtocolMapperRepresentation> mappers =
        clients.get(portal.getId()).getProtocolMappers().getMappers().stream()
            .map(DemoRealm::copyOf)
            .toList();
    cli.setProtocolMappers(mappers);
    try (Response response = clients.create(cli)) {
      if (response.getStatus() != 201) {
        throw new IllegalStateException(
            "Keycloak refused the " + CLI_CLIENT + " client: HTTP " + response.getStatus());
      }
    }
  }

  private static ProtocolMapperRepresentation copyOf(ProtocolMapperRepresentation mapper) {
    ProtocolMapperRepresentation copy = new ProtocolMapperRepresentation();
    copy.setName(mapper.getName());
    copy.setProtocol(mapper.getProtocol());
    copy.setProtocolMapper(mapper.getProtocolMapper());
    copy.setConfig(mapper.getConfig());
    return copy;
  }

  /**
   * Creates the people with their fixed ids (a partial import keeps the given id, where the users
   * endpoint would pick a random one), replacing any an earlier run left.
   */
  private static void importUsers(RealmResource realm, Map<DemoUser, String> passwords) {
    PartialImportRepresentation people = new PartialImportRepresentation();
    people.setIfResourceExists(PartialImportRepresentation.Policy.OVERWRITE.name());
    people.setUsers(DemoUser.ALL.stream().map(user -> user(user, passwords.get(user))).toList());
    try (Response response = realm.partialImport(people)) {
      if (response.getStatus() != 200) {
        throw new IllegalStateException(
            "Keycloak refused the demo users: HTTP "
                + response.getStatus()
                + " "
                + response.readEntity(String.class));
      }
    }
  }

  private static UserRepresentation user(DemoUser person, String password) {
    UserRepresentation user = new UserRepresentation();
    user.setId(person.id());
    user.setUsername(person.name());
    user.setEnabled(true);
    // Keycloak's user profile makes these required; without them the login is refused.
    user.setEmail(person.name() + "@veneer.local");
    user.setEmailVerified(true);
    user.setFirstName(person.name());
    user.setLastName("Demo");
    CredentialRepresentation credential = new CredentialRepresentation();
    credential.setType(CredentialRepresentation.PASSWORD);
    credential.setValue(password);
    credential.setTemporary(false);
    user.setCredentials(List.of(credential));
    user.setRealmRoles(List.copyOf(person.roles()));
    user.setGroups(person.groups().stream().map(group -> "/" + group).toList());
    return user;
  }
}
