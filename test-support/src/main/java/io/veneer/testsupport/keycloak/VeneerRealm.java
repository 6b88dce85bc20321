package io.veneer.testsupport.keycloak;

import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

/**
 * One realm set up as Veneer expects (see {@link RealmBlueprint}), with the operations tests need:
 * people in roles and groups, and real tokens for them from Keycloak's token endpoint.
 */
public final class VeneerRealm {

  public static final Set<String> ROLES = Set.of("admin", "user");

  /**
   * The realm role of the web portal's own service account (not in {@link #ROLES}: no person gets
   * it), with which its console proxy, alone, may redeem console tickets at the control plane.
   */
  public static final String CONSOLE_PROXY_ROLE = "console-proxy";

  public static final Set<String> GROUPS = Set.of("engineering", "finance");

  /** Every token of the realm names this audience; resource servers require it. */
  public static final String AUDIENCE = "veneer-api";

  /**
   * The web portal's confidential client (authorization code + PKCE S256 for people; client
   * credentials for itself, as a service account with {@link #CONSOLE_PROXY_ROLE}).
   */
  public static final ClientCredentials PORTAL =
      new ClientCredentials("veneer-portal", "veneer-portal-secret");

  /** The automation client (client credentials, service account). */
  public static final ClientCredentials AUTOMATION =
      new ClientCredentials("veneer-automation", "veneer-automation-secret");

  /** A public client with the password grant, for tests only. */
  public static final ClientCredentials TESTS = new ClientCredentials("veneer-tests", null);

  private final KeycloakServer server;
  private final Keycloak admin;
  private final String name;
  private final TokenEndpoint tokens;

  VeneerRealm(KeycloakServer server, Keycloak admin, String name) {
    this.server = server;
    this.admin = admin;
    this.name = name;
    this.tokens = new TokenEndpoint(URI.create(issuerUri() + "/protocol/openid-connect/token"));
  }

  /** Creates the realm, or uses it as it is when a realm of that name exists already. */
  static VeneerRealm createOrReuse(KeycloakServer server, Keycloak admin, String name) {
    boolean exists = admin.realms().findAll().stream().anyMatch(r -> r.getRealm().equals(name));
    if (!exists) {
      admin.realms().create(RealmBlueprint.realm(name));
    }
    return new VeneerRealm(server, admin, name);
  }

  public String name() {
    return name;
  }

  /** The {@code iss} of the realm's tokens, and where its OIDC discovery document hangs. */
  public URI issuerUri() {
    return server.baseUrl().resolve("/realms/" + name);
  }

  public URI jwksUri() {
    return URI.create(issuerUri() + "/protocol/openid-connect/certs");
  }

  public URI tokenUri() {
    return URI.create(issuerUri() + "/protocol/openid-connect/token");
  }

  public KeycloakServer server() {
    return server;
  }

  /** The realm through keycloak-admin-client, logged in as the server's administrator. */
  public RealmResource admin() {
    return admin.realm(name);
  }

  /** Creates an enabled person with a password, realm roles and group memberships; the id. */
  public String createUser(
      String username, String password, Set<String> roles, Set<String> groups) {
    UserRepresentation user = new UserRepresentation();
    user.setUsername(username);
    user.setEnabled(true);
    // Keycloak's user profile makes these required; without them the login is refused.
    user.setEmail(username + "@veneer.test");
    user.setEmailVerified(true);
    user.setFirstName(username);
    user.setLastName("Test");
    CredentialRepresentation credential = new CredentialRepresentation();
    credential.setType(CredentialRepresentation.PASSWORD);
    credential.setValue(password);
    credential.setTemporary(false);
    user.setCredentials(List.of(credential));
    String id;
    try (Response response = admin().users().create(user)) {
      id = CreatedResponseUtil.getCreatedId(response);
    }
    if (!roles.isEmpty()) {
      List<RoleRepresentation> realmRoles =
          roles.stream().map(role -> admin().roles().get(role).toRepresentation()).toList();
      admin().users().get(id).roles().realmLevel().add(realmRoles);
    }
    groups.forEach(group -> addToGroup(username, group));
    return id;
  }

  /** Creates a top-level group besides {@link #GROUPS}; the id. */
  public String createGroup(String group) {
    GroupRepresentation representation = new GroupRepresentation();
    representation.setName(group);
    try (Response response = admin().groups().add(representation)) {
      return CreatedResponseUtil.getCreatedId(response);
    }
  }

  public void addToGroup(String username, String group) {
    user(username).joinGroup(groupId(group));
  }

  public void removeFromGroup(String username, String group) {
    user(username).leaveGroup(groupId(group));
  }

  /** An access token for the person, from the token endpoint by the password grant. */
  public String passwordToken(String username, String password) {
    return tokens.password(TESTS, username, password);
  }

  /** An access token for the automation client's service account. */
  public String clientCredentialsToken() {
    return clientCredentialsToken(AUTOMATION);
  }

  public String clientCredentialsToken(ClientCredentials client) {
    return tokens.clientCredentials(client);
  }

  private UserResource user(String username) {
    List<UserRepresentation> found = admin().users().searchByUsername(username, true);
    if (found.isEmpty()) {
      throw new IllegalArgumentException("No user " + username + " in realm " + name);
    }
    return admin().users().get(found.get(0).getId());
  }

  private String groupId(String group) {
    return admin().getGroupByPath(group).getId();
  }
}
