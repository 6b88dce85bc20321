package io.veneer.controlplane.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.veneer.api.v1.HostActionRequest;
import io.veneer.api.v1.HostServiceGrpc;
import io.veneer.api.v1.ListHostsRequest;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.api.grpc.ApiGrpcServer;
import io.veneer.controlplane.api.rest.RestClientForTests;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.security.Scopes;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.kafka.TcpProxy;
import io.veneer.testsupport.keycloak.ClientCredentials;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.ClientScopeRepresentation;
import org.keycloak.representations.idm.ProtocolMapperRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The control plane against a real Keycloak: people log in there (their tokens are Keycloak's, not
 * forged), and pools entitled to a group follow the group's membership as Keycloak keeps it.
 */
class KeycloakIdentityTest extends ControlPlaneSpringTest {

  private static final VeneerRealm REALM = TestKeycloak.freshRealm(KeycloakIdentityTest.class);
  private static final int CACHE_SECONDS = 2;
  private static final String PASSWORD = "correct horse battery staple";

  /** The control plane's way to Keycloak's admin API, which a test cuts. */
  private static final TcpProxy DIRECTORY =
      TcpProxy.onFreePort().forwardTo(REALM.server().baseUrl().getPort());

  static {
    DIRECTORY.restore();
  }

  @DynamicPropertySource
  static void keycloak(DynamicPropertyRegistry registry) {
    registry.add(
        "spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> REALM.issuerUri().toString());
    registry.add(
        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", () -> REALM.jwksUri().toString());
    registry.add("spring.security.oauth2.resourceserver.jwt.audiences", () -> VeneerRealm.AUDIENCE);
    registry.add("veneer.identity.keycloak-url", () -> "http://127.0.0.1:" + DIRECTORY.port());
    registry.add("veneer.identity.realm", REALM::name);
    registry.add("veneer.identity.client-id", VeneerRealm.AUTOMATION::clientId);
    registry.add("veneer.identity.client-secret", VeneerRealm.AUTOMATION::secret);
    registry.add("veneer.identity.membership-cache-seconds", () -> CACHE_SECONDS);
  }

  /** The control plane reads users and groups as the automation client's service account. */
  @BeforeAll
  static void theServiceAccountMayReadTheDirectory() {
    RealmResource realm = REALM.admin();
    String automation =
        realm.clients().findByClientId(VeneerRealm.AUTOMATION.clientId()).getFirst().getId();
    String account = realm.clients().get(automation).getServiceAccountUser().getId();
    String management = realm.clients().findByClientId("realm-management").getFirst().getId();
    List<RoleRepresentation> roles =
        List.of("view-users", "query-groups").stream()
            .map(role -> realm.clients().get(management).roles().get(role).toRepresentation())
            .toList();
    realm.users().get(account).roles().clientLevel(management).add(roles);
  }

  @Autowired HostService hosts;
  @Autowired ApiGrpcServer grpcServer;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private RestClientForTests rest;
  private String admin;

  @BeforeEach
  void anAdminAndAHost() {
    rest = new RestClientForTests(port);
    REALM.createUser("root-" + run, PASSWORD, Set.of("admin"), Set.of());
    admin = REALM.passwordToken("root-" + run, PASSWORD);
    hosts.register(
        new HostRegistration("kc-host-" + run, new Resources(64, 262_144, 4_000), Map.of(), ""));
  }

  private String pool(List<String> users, List<String> groups) {
    RestClientForTests.Response created =
        rest.post(
            "/api/v1/pools",
            admin,
            """
            {"name":"kc-%s-%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"v1",
             "goldenDigest":"sha256:aa","size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
             "minSize":0,"maxSize":10,"warmSpares":0,"maxConcurrentRefresh":1,
             "entitledUsers":%s,"entitledGroups":%s}
            """
                .formatted(run, UUID.randomUUID(), json(users), json(groups)));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    return created.body().get("id").asString();
  }

  private static String json(List<String> values) {
    return values.stream()
        .map(v -> "\"" + v + "\"")
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  private RestClientForTests.Response request(String token, String pool) {
    return rest.post("/api/v1/desktops", token, "{\"poolId\":\"" + pool + "\"}");
  }

  @Test
  void aUserLoggedInThroughKeycloakListsOnlyTheirOwnDesktops() {
    String ann = REALM.createUser("ann-" + run, PASSWORD, Set.of("user"), Set.of());
    String ben = REALM.createUser("ben-" + run, PASSWORD, Set.of("user"), Set.of());
    String annToken = REALM.passwordToken("ann-" + run, PASSWORD);
    String benToken = REALM.passwordToken("ben-" + run, PASSWORD);
    String pool = pool(List.of(ann, ben), List.of());

    String annsDesktop = request(annToken, pool).body().get("id").asString();
    String bensDesktop = request(benToken, pool).body().get("id").asString();

    JsonNode listed = rest.get("/api/v1/desktops", annToken).body();
    assertThat(StreamSupport.stream(listed.get("items").spliterator(), false))
        .extracting(d -> d.get("id").asString())
        .contains(annsDesktop)
        .doesNotContain(bensDesktop);
    assertThat(rest.get("/api/v1/desktops/" + bensDesktop, annToken).status()).isEqualTo(404);
  }

  @Test
  void aGroupMemberGetsADesktopFromTheGroupsPoolAndAnOutsiderDoesNot() {
    REALM.createUser("eve-" + run, PASSWORD, Set.of("user"), Set.of("engineering"));
    REALM.createUser("fay-" + run, PASSWORD, Set.of("user"), Set.of("finance"));
    String pool = pool(List.of(), List.of("engineering"));

    assertThat(request(REALM.passwordToken("eve-" + run, PASSWORD), pool).status()).isEqualTo(201);
    assertThat(request(REALM.passwordToken("fay-" + run, PASSWORD), pool).status()).isEqualTo(404);
  }

  @Test
  void removingAUserFromTheGroupInKeycloakRevokesTheEntitlementWithinTheCacheTime() {
    REALM.createUser("gus-" + run, PASSWORD, Set.of("user"), Set.of("engineering"));
    String pool = pool(List.of(), List.of("engineering"));
    // Issued while gus is in the group: it still says so after he leaves, so only the control
    // plane asking Keycloak can notice.
    String token = REALM.passwordToken("gus-" + run, PASSWORD);
    assertThat(request(token, pool).status()).isEqualTo(201);

    REALM.removeFromGroup("gus-" + run, "engineering");

    await()
        .atMost(Duration.ofSeconds(CACHE_SECONDS + 5))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(request(token, pool).status()).isEqualTo(404));
  }

  @Test
  void thePortalsOwnKeycloakTokenReachesConsoleTicketRedemptionAndAPersonsDoesNot() {
    String portal = REALM.clientCredentialsToken(VeneerRealm.PORTAL);
    String redemption = "{\"ticket\":\"no-such-ticket\",\"subject\":\"root-" + run + "\"}";

    RestClientForTests.Response asPortal =
        rest.post("/api/v1/console-tickets/redeem", portal, redemption);
    RestClientForTests.Response asAdmin =
        rest.post("/api/v1/console-tickets/redeem", admin, redemption);

    assertThat(asPortal.status()).isEqualTo(403);
    assertThat(asPortal.body().get("detail").asString())
        .as("let through to the ticket, which is unknown")
        .startsWith("Console ticket refused");
    assertThat(asAdmin.status()).isEqualTo(403);
    assertThat(asAdmin.body().get("detail").asString())
        .as("stopped before the ticket")
        .doesNotStartWith("Console ticket refused");
  }

  @Test
  void tokensForAnotherAudienceOrForgedOnesAreRefused() {
    String forged = io.veneer.controlplane.TestTokens.admin("root-" + run);

    assertThat(rest.get("/api/v1/pools", forged).status()).isEqualTo(401);
    assertThat(rest.get("/api/v1/pools", admin).status()).isEqualTo(200);
  }

  @Test
  void adminsListTheGroupsAndUsersTheyCanEntitle() {
    REALM.createUser("hal-" + run, PASSWORD, Set.of("user"), Set.of());

    JsonNode groups = rest.get("/api/v1/directory/groups", admin).body();
    JsonNode users = rest.get("/api/v1/directory/users?search=hal-" + run, admin).body();

    assertThat(StreamSupport.stream(groups.spliterator(), false))
        .extracting(JsonNode::asString)
        .contains("engineering", "finance");
    assertThat(users.size()).isOne();
    assertThat(users.get(0).get("username").asString()).isEqualTo("hal-" + run);
  }

  @Test
  void whenKeycloakCannotBeReachedGroupChecksFailClosedAndDesktopsInHandStayUsable() {
    REALM.createUser("ivy-" + run, PASSWORD, Set.of("user"), Set.of("engineering"));
    String token = REALM.passwordToken("ivy-" + run, PASSWORD);
    String pool = pool(List.of(), List.of("engineering"));
    String desktop = request(token, pool).body().get("id").asString();
    String otherPool = pool(List.of(), List.of("engineering"));

    DIRECTORY.cut();
    try {
      await()
          .atMost(Duration.ofSeconds(CACHE_SECONDS + 5))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                RestClientForTests.Response refused = request(token, otherPool);
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.body().get("detail").asString())
                    .contains("Keycloak", "try again");
              });
      assertThat(rest.get("/api/v1/desktops/" + desktop, token).status())
          .as("a desktop already handed out")
          .isEqualTo(200);
    } finally {
      DIRECTORY.restore();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(request(token, otherPool).status()).isEqualTo(201));
  }

  @Test
  void anAutomationClientMayDoOnlyWhatItsScopesCover() throws Exception {
    String host = "kc-host-" + run;
    ClientCredentials reader = automationClient("reader-" + run, Set.of(Scopes.READ));
    ClientCredentials operator =
        automationClient("operator-" + run, Set.of(Scopes.READ, Scopes.HOSTS));
    String readerToken = REALM.clientCredentialsToken(reader);
    String operatorToken = REALM.clientCredentialsToken(operator);

    RestClientForTests.Response read = rest.get("/api/v1/hosts/" + host, readerToken);
    assertThat(read.status()).as(String.valueOf(read.body())).isEqualTo(200);
    RestClientForTests.Response refused =
        rest.post("/api/v1/hosts/" + host + "/maintenance", readerToken, "");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().get("detail").asString()).contains(Scopes.HOSTS);
    assertThat(rest.post("/api/v1/pools", readerToken, "{}").status()).isEqualTo(403);
    assertThat(rest.post("/api/v1/hosts/" + host + "/maintenance", operatorToken, "").status())
        .isEqualTo(200);

    ManagedChannel channel = TestTls.channel(grpcServer.port());
    try {
      assertThat(hosts(channel, readerToken).listHosts(ListHostsRequest.getDefaultInstance()))
          .isNotNull();
      assertThatThrownBy(
              () ->
                  hosts(channel, readerToken)
                      .resumeHost(HostActionRequest.newBuilder().setId(host).build()))
          .satisfies(
              e ->
                  assertThat(Status.fromThrowable(e).getCode())
                      .isEqualTo(Status.Code.PERMISSION_DENIED));
      assertThat(
              hosts(channel, operatorToken)
                  .resumeHost(HostActionRequest.newBuilder().setId(host).build())
                  .getState())
          .isEqualTo(io.veneer.api.v1.HostState.HOST_STATE_UP);
    } finally {
      channel.shutdownNow();
    }
  }

  private static HostServiceGrpc.HostServiceBlockingStub hosts(
      ManagedChannel channel, String token) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return HostServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  /** A client-credentials client whose service account is an admin, given only {@code scopes}. */
  private static ClientCredentials automationClient(String clientId, Set<String> scopes) {
    RealmResource realm = REALM.admin();
    ClientRepresentation client = new ClientRepresentation();
    client.setClientId(clientId);
    client.setSecret(clientId + "-secret");
    client.setPublicClient(false);
    client.setServiceAccountsEnabled(true);
    client.setStandardFlowEnabled(false);
    client.setProtocol("openid-connect");
    ProtocolMapperRepresentation audience = new ProtocolMapperRepresentation();
    audience.setName("audience");
    audience.setProtocol("openid-connect");
    audience.setProtocolMapper("oidc-audience-mapper");
    audience.setConfig(
        Map.of("included.custom.audience", VeneerRealm.AUDIENCE, "access.token.claim", "true"));
    client.setProtocolMappers(List.of(audience));
    String id;
    try (Response created = realm.clients().create(client)) {
      id = CreatedResponseUtil.getCreatedId(created);
    }
    for (String scope : scopes) {
      realm.clients().get(id).addDefaultClientScope(clientScope(scope));
    }
    String account = realm.clients().get(id).getServiceAccountUser().getId();
    realm
        .users()
        .get(account)
        .roles()
        .realmLevel()
        .add(List.of(realm.roles().get("admin").toRepresentation()));
    return new ClientCredentials(clientId, clientId + "-secret");
  }

  private static synchronized String clientScope(String name) {
    RealmResource realm = REALM.admin();
    return realm.clientScopes().findAll().stream()
        .filter(scope -> scope.getName().equals(name))
        .map(ClientScopeRepresentation::getId)
        .findFirst()
        .orElseGet(
            () -> {
              ClientScopeRepresentation scope = new ClientScopeRepresentation();
              scope.setName(name);
              scope.setProtocol("openid-connect");
              scope.setAttributes(Map.of("include.in.token.scope", "true"));
              try (Response created = realm.clientScopes().create(scope)) {
                return CreatedResponseUtil.getCreatedId(created);
              }
            });
  }
}
