package io.veneer.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.TestTokens;
import io.veneer.controlplane.api.grpc.ApiGrpcServer;
import io.veneer.controlplane.api.rest.RestClientForTests;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every REST endpoint and every gRPC method, as the running application lists them, against the
 * callers who must be refused. The rules below name each endpoint once: an endpoint added without a
 * rule fails {@link #everyEndpointHasARule}, so none ships untested.
 */
class EveryEndpointAuthorisationTest extends ControlPlaneSpringTest {

  /** Who an endpoint is for, which says whom it must refuse and how. */
  enum Rule {
    /** Users are refused (403 / PERMISSION_DENIED) and nothing changes. */
    ADMIN,
    /** A user naming another user's desktop learns nothing (404 / NOT_FOUND). */
    OWN_DESKTOP,
    /** Any user; what each one sees is the business of the feature's own tests. */
    USER,
    /** Only the portal's service credential: users (admins too) are refused with 403. */
    CONSOLE_PROXY
  }

  private static final Map<String, Rule> REST = new LinkedHashMap<>();
  private static final Map<String, Rule> GRPC = new LinkedHashMap<>();

  static {
    REST.put("POST /api/v1/pools", Rule.ADMIN);
    REST.put("GET /api/v1/pools", Rule.USER);
    REST.put("GET /api/v1/pools/{id}", Rule.USER);
    REST.put("PUT /api/v1/pools/{id}", Rule.ADMIN);
    REST.put("DELETE /api/v1/pools/{id}", Rule.ADMIN);
    REST.put("POST /api/v1/desktops", Rule.USER);
    REST.put("GET /api/v1/desktops", Rule.USER);
    REST.put("GET /api/v1/desktops/{id}", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/start", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/stop", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/restart", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/golden-update", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/logoff", Rule.OWN_DESKTOP);
    REST.put("DELETE /api/v1/desktops/{id}", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/desktops/{id}/console-tickets", Rule.OWN_DESKTOP);
    REST.put("POST /api/v1/console-tickets/redeem", Rule.CONSOLE_PROXY);
    REST.put("POST /api/v1/desktops/{id}/console-input", Rule.CONSOLE_PROXY);
    REST.put("POST /api/v1/hosts", Rule.ADMIN);
    REST.put("GET /api/v1/hosts", Rule.ADMIN);
    REST.put("GET /api/v1/hosts/{id}", Rule.ADMIN);
    REST.put("POST /api/v1/hosts/{id}/agent-token", Rule.ADMIN);
    REST.put("POST /api/v1/hosts/{id}/fence", Rule.ADMIN);
    REST.put("POST /api/v1/hosts/{id}/maintenance", Rule.ADMIN);
    REST.put("POST /api/v1/hosts/{id}/drain", Rule.ADMIN);
    REST.put("POST /api/v1/hosts/{id}/resume", Rule.ADMIN);
    REST.put("GET /api/v1/audit", Rule.ADMIN);
    REST.put("GET /api/v1/directory/groups", Rule.ADMIN);
    REST.put("GET /api/v1/directory/users", Rule.ADMIN);
    REST.put("GET /api/v1/quotas", Rule.ADMIN);
    REST.put("GET /api/v1/quotas/{kind}/{name}", Rule.ADMIN);
    REST.put("PUT /api/v1/quotas/{kind}/{name}", Rule.ADMIN);
    REST.put("DELETE /api/v1/quotas/{kind}/{name}", Rule.ADMIN);

    GRPC.put("veneer.api.v1.DesktopService/GetDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/ListDesktops", Rule.USER);
    GRPC.put("veneer.api.v1.DesktopService/StartDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/StopDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/RestartDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/UpdateDesktopGolden", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/RefreshDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/DeleteDesktop", Rule.OWN_DESKTOP);
    GRPC.put("veneer.api.v1.DesktopService/WatchDesktops", Rule.USER);
    GRPC.put("veneer.api.v1.PoolService/CreatePool", Rule.ADMIN);
    GRPC.put("veneer.api.v1.PoolService/GetPool", Rule.USER);
    GRPC.put("veneer.api.v1.PoolService/ListPools", Rule.USER);
    GRPC.put("veneer.api.v1.PoolService/UpdatePool", Rule.ADMIN);
    GRPC.put("veneer.api.v1.PoolService/DeletePool", Rule.ADMIN);
    GRPC.put("veneer.api.v1.PoolService/RequestDesktop", Rule.USER);
    GRPC.put("veneer.api.v1.PoolService/RollPool", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/GetHost", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/ListHosts", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/EnterMaintenance", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/DrainHost", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/ResumeHost", Rule.ADMIN);
    GRPC.put("veneer.api.v1.HostService/FenceHost", Rule.ADMIN);
  }

  @Autowired
  @Qualifier("requestMappingHandlerMapping")
  RequestMappingHandlerMapping mappings;

  @Autowired ApiGrpcServer grpcServer;
  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String host = "authz-host-" + run;
  private final String alice = TestTokens.user("alice-" + run);
  private final List<String> strangers =
      List.of(
          "",
          TestTokens.expiredAdmin("admin-" + run),
          TestTokens.wronglySignedAdmin("admin-" + run),
          TestTokens.adminOfAnotherAudience("admin-" + run));
  private RestClientForTests rest;
  private ManagedChannel channel;
  private UUID pool;
  private UUID bobsDesktop;

  @BeforeEach
  void bobHasADesktopInAPoolAliceMayAlsoUse() {
    rest = new RestClientForTests(port);
    channel = TestTls.channel(grpcServer.port());
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_000), Map.of(), ""));
    pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "authz-" + run,
                    PoolKind.POOLED,
                    "tiny",
                    "v1",
                    AgentMessages.GOLDEN_DIGEST,
                    new Resources(1, 1024, 10),
                    0,
                    5,
                    0,
                    1,
                    Set.of("alice-" + run, "bob-" + run),
                    Set.of()),
                null)
            .id();
    bobsDesktop =
        desktops
            .create(Caller.user("bob-" + run), new DesktopService.CreateDesktop(pool, null), null)
            .id();
  }

  @AfterEach
  void closeTheChannel() {
    channel.shutdownNow();
  }

  @Test
  void everyEndpointHasARule() {
    assertThat(restEndpoints()).containsExactlyInAnyOrderElementsOf(REST.keySet());
    assertThat(grpcMethods().keySet()).containsExactlyInAnyOrderElementsOf(GRPC.keySet());
  }

  @Test
  void restRefusesAnonymousExpiredAndWronglySignedCallersWith401() {
    for (String endpoint : restEndpoints()) {
      for (String token : strangers) {
        RestClientForTests.Response response = callRest(endpoint, token);
        assertThat(response.status()).as("%s with token '%.12s'", endpoint, token).isEqualTo(401);
        assertThat(response.contentType()).as(endpoint).startsWith("application/problem+json");
      }
    }
  }

  @Test
  void restRefusesUsersAtAdminEndpointsAndOnOthersDesktops() {
    String before = stateOfTheWorld();
    for (String endpoint : restEndpoints()) {
      RestClientForTests.Response response = callRest(endpoint, alice);
      switch (REST.get(endpoint)) {
        case ADMIN, CONSOLE_PROXY -> assertThat(response.status()).as(endpoint).isEqualTo(403);
        case OWN_DESKTOP -> assertThat(response.status()).as(endpoint).isEqualTo(404);
        case USER -> {}
      }
      if (REST.get(endpoint) != Rule.USER) {
        assertThat(response.contentType()).as(endpoint).startsWith("application/problem+json");
        assertThat(response.body().toString()).as(endpoint).doesNotContain("bob-" + run);
      }
    }
    assertThat(stateOfTheWorld()).as("refused calls change nothing").isEqualTo(before);
  }

  @Test
  void grpcRefusesAnonymousExpiredAndWronglySignedCallersAsUnauthenticated() {
    for (Map.Entry<String, ServerMethodDefinition<?, ?>> method : grpcMethods().entrySet()) {
      for (String token : strangers) {
        assertThat(callGrpc(method.getValue(), token))
            .as("%s with token '%.12s'", method.getKey(), token)
            .isEqualTo(Status.Code.UNAUTHENTICATED);
      }
    }
  }

  @Test
  void grpcRefusesUsersAtAdminMethodsAndOnOthersDesktops() {
    String before = stateOfTheWorld();
    for (Map.Entry<String, ServerMethodDefinition<?, ?>> method : grpcMethods().entrySet()) {
      Status.Code code = callGrpc(method.getValue(), alice);
      switch (GRPC.get(method.getKey())) {
        case ADMIN, CONSOLE_PROXY ->
            assertThat(code).as(method.getKey()).isEqualTo(Status.Code.PERMISSION_DENIED);
        case OWN_DESKTOP -> assertThat(code).as(method.getKey()).isEqualTo(Status.Code.NOT_FOUND);
        case USER -> {}
      }
    }
    assertThat(stateOfTheWorld()).as("refused calls change nothing").isEqualTo(before);
  }

  /** Everything a wrongly admitted call could have changed: bob's desktop, the pool, the host. */
  private String stateOfTheWorld() {
    return jdbc.queryForMap(
                "SELECT state, owner, desired_power FROM desktop WHERE id = ?", bobsDesktop)
            .toString()
        + jdbc.queryForMap("SELECT state, max_size FROM pool WHERE id = ?", pool)
        + jdbc.queryForMap("SELECT state, agent_token_sha256 FROM host WHERE id = ?", host)
        + jdbc.queryForObject("SELECT count(*) FROM pool", Long.class);
  }

  private Set<String> restEndpoints() {
    Set<String> endpoints = new TreeSet<>();
    for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
      for (String path : info.getPathPatternsCondition().getPatternValues()) {
        if (path.startsWith("/api/")) {
          info.getMethodsCondition()
              .getMethods()
              .forEach(method -> endpoints.add(method.name() + " " + path));
        }
      }
    }
    return endpoints;
  }

  private RestClientForTests.Response callRest(String endpoint, String token) {
    String[] methodAndPath = endpoint.split(" ", 2);
    String path =
        methodAndPath[1]
            .replace(
                "{id}",
                endpoint.contains("/desktops/")
                    ? bobsDesktop.toString()
                    : endpoint.contains("/pools/") ? pool.toString() : host)
            .replace("{kind}/{name}", "user/someone-" + run);
    String body = methodAndPath[0].equals("GET") || methodAndPath[0].equals("DELETE") ? null : "{}";
    return rest.call(methodAndPath[0], path, token.isEmpty() ? null : token, body, null);
  }

  private Map<String, ServerMethodDefinition<?, ?>> grpcMethods() {
    Map<String, ServerMethodDefinition<?, ?>> methods = new LinkedHashMap<>();
    for (ServerServiceDefinition service : grpcServer.services()) {
      for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
        methods.put(method.getMethodDescriptor().getFullMethodName(), method);
      }
    }
    return methods;
  }

  /** Calls the method with its identity fields filled in, and says how it ended. */
  private <Q, R> Status.Code callGrpc(ServerMethodDefinition<Q, R> definition, String token) {
    MethodDescriptor<Q, R> method = definition.getMethodDescriptor();
    Q request = request(method);
    Metadata headers = new Metadata();
    if (!token.isEmpty()) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    var withToken =
        io.grpc.ClientInterceptors.intercept(
            channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    // A watch admitted with nothing to send yet simply runs into its deadline.
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(
            method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING ? 2 : 10,
            TimeUnit.SECONDS);
    try {
      if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
        Iterator<R> replies =
            ClientCalls.blockingServerStreamingCall(withToken, method, options, request);
        // The first message proves the call was admitted; then the watch is dropped.
        replies.hasNext();
        return Status.Code.OK;
      }
      ClientCalls.blockingUnaryCall(withToken, method, options, request);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @SuppressWarnings("unchecked")
  private <Q> Q request(MethodDescriptor<Q, ?> method) {
    Message prototype =
        (Message)
            ((MethodDescriptor.PrototypeMarshaller<Q>) method.getRequestMarshaller())
                .getMessagePrototype();
    Message.Builder request = prototype.toBuilder();
    String name = method.getFullMethodName();
    String id =
        name.contains("DesktopService/")
            ? bobsDesktop.toString()
            : name.contains("PoolService/") ? pool.toString() : host;
    List<FieldDescriptor> fields = new ArrayList<>(request.getDescriptorForType().getFields());
    for (FieldDescriptor field : fields) {
      switch (field.getName()) {
        case "id" -> request.setField(field, id);
        case "pool_id" -> request.setField(field, pool.toString());
        case "golden_image_version_id" -> request.setField(field, "v2");
        default -> {}
      }
    }
    return (Q) request.build();
  }
}
