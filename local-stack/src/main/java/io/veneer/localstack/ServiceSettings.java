package io.veneer.localstack;

import io.veneer.localstack.auth.DemoRealm;
import io.veneer.localstack.parts.AgentDataPath;
import io.veneer.localstack.parts.LocalPostgres;
import io.veneer.localstack.parts.SpringService;
import io.veneer.testsupport.keycloak.VeneerRealm;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the stack configures each service: the same documented settings an operator would pass
 * (docs/configuration.md), every listener on 127.0.0.1, secrets in the environment.
 */
final class ServiceSettings {

  static final String CONTROL_PLANE_DATABASE = "controlplane";
  static final String IMAGES_DATABASE = "images";

  /** Spring Boot's environment name of spring.datasource.password: out of ps, unlike arguments. */
  static final String DATABASE_PASSWORD = "SPRING_DATASOURCE_PASSWORD";

  /** Agents heartbeat every 2 s here: a local host shows up, and goes, within seconds. */
  static final int HEARTBEAT_SECONDS = 2;

  private final StackLayout layout;
  private final StackPorts ports;
  private final Jars jars;
  private final Credentials credentials;
  private final LocalCertificateAuthority tls;

  ServiceSettings(
      StackLayout layout,
      StackPorts ports,
      Jars jars,
      Credentials credentials,
      LocalCertificateAuthority tls) {
    this.layout = layout;
    this.ports = ports;
    this.jars = jars;
    this.credentials = credentials;
    this.tls = tls;
  }

  String kafkaBootstrap() {
    return "127.0.0.1:" + ports.kafka();
  }

  URI imagesUrl() {
    return URI.create("http://127.0.0.1:" + ports.imagesHttp());
  }

  /** Keycloak's root: the admin console is at /admin, realms under /realms. */
  URI keycloakUrl() {
    return URI.create("http://127.0.0.1:" + ports.keycloakHttp());
  }

  /** The {@code iss} of the realm's tokens. */
  URI issuer() {
    return URI.create(keycloakUrl() + "/realms/" + DemoRealm.REALM);
  }

  URI jwkSet() {
    return URI.create(issuer() + "/protocol/openid-connect/certs");
  }

  URI tokenEndpoint() {
    return URI.create(issuer() + "/protocol/openid-connect/token");
  }

  URI portalUrl() {
    return URI.create("http://127.0.0.1:" + ports.portalHttp());
  }

  URI controlPlaneUrl() {
    return URI.create("http://127.0.0.1:" + ports.controlPlaneHttp());
  }

  /** The control plane's management port: metrics, the OpenAPI document, Swagger UI. */
  URI controlPlaneManagementUrl() {
    return URI.create("http://127.0.0.1:" + ports.controlPlaneManagement());
  }

  String agentGateway() {
    return "127.0.0.1:" + ports.agentGateway();
  }

  /** The public gRPC API's address, host:port. */
  String apiGrpc() {
    return "127.0.0.1:" + ports.apiGrpc();
  }

  SpringService images() {
    Map<String, String> settings =
        common(ports.imagesHttp(), ports.imagesManagement(), IMAGES_DATABASE);
    settings.put("veneer.images.storage-directory", layout.images().toString());
    // Its gRPC API on loopback with the stack's certificate, for the control plane's version
    // lookups (a direct-kernel pool takes its kernel from the version); people use HTTP.
    settings.put("veneer.images.grpc-port", String.valueOf(ports.imagesGrpc()));
    settings.put("veneer.images.grpc-address", "127.0.0.1");
    settings.put("veneer.images.grpc-tls.certificate-file", tls.serverCertificate().toString());
    settings.put("veneer.images.grpc-tls.private-key-file", tls.serverKey().toString());
    // People's access tokens from the stack's Keycloak (the admin realm role) besides the API
    // token.
    settings.put("veneer.images.oidc-issuer-uri", issuer().toString());
    settings.put("veneer.images.oidc-jwk-set-uri", jwkSet().toString());
    return new SpringService(
        "golden-image-service",
        jars.images(),
        settings,
        Map.of(
            "VENEER_IMAGES_API_TOKEN",
            credentials.imagesApiToken(),
            "VENEER_AGENT_TOKEN",
            credentials.imagesAgentToken(),
            DATABASE_PASSWORD,
            LocalPostgres.PASSWORD),
        readiness(imagesUrl()));
  }

  SpringService controlPlane() {
    Map<String, String> settings =
        common(ports.controlPlaneHttp(), ports.controlPlaneManagement(), CONTROL_PLANE_DATABASE);
    // Access tokens of the stack's Keycloak realm: its issuer, its keys, its audience.
    settings.put("spring.security.oauth2.resourceserver.jwt.issuer-uri", issuer().toString());
    settings.put("spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwkSet().toString());
    settings.put("spring.security.oauth2.resourceserver.jwt.audiences", VeneerRealm.AUDIENCE);
    // Group entitlements (and the directory API) from Keycloak, as the directory client.
    settings.put("veneer.identity.keycloak-url", keycloakUrl().toString());
    settings.put("veneer.identity.realm", DemoRealm.REALM);
    settings.put("veneer.identity.client-id", DemoRealm.DIRECTORY_CLIENT);
    settings.put("veneer.agents.grpc-port", String.valueOf(ports.agentGateway()));
    settings.put("veneer.agents.grpc-address", "127.0.0.1");
    settings.put("veneer.agents.heartbeat-interval-seconds", String.valueOf(HEARTBEAT_SECONDS));
    // The agent gateway and the public gRPC API serve TLS with the stack's certificate; agents
    // and the CLI verify it with its CA.
    settings.put("veneer.tls.certificate-file", tls.serverCertificate().toString());
    settings.put("veneer.tls.private-key-file", tls.serverKey().toString());
    // The public gRPC API (veneer.api.v1), with health and reflection, on loopback only.
    settings.put("veneer.api.grpc-port", String.valueOf(ports.apiGrpc()));
    settings.put("veneer.api.grpc-address", "127.0.0.1");
    // Console grants, which the agents' console listeners admit, signed with the stack's key.
    settings.put("veneer.console.grant-key-file", tls.consoleGrantKey().toString());
    // Pools that name a golden version without its digest have it looked up in the image service.
    settings.put("veneer.images.grpc-target", "127.0.0.1:" + ports.imagesGrpc());
    settings.put("veneer.images.grpc-ca-file", tls.caCertificate().toString());
    return new SpringService(
        "control-plane",
        jars.controlPlane(),
        settings,
        Map.of(
            "VENEER_IDENTITY_CLIENTSECRET",
            DemoRealm.DIRECTORY_CLIENT_SECRET,
            "VENEER_IMAGES_API_TOKEN",
            credentials.imagesApiToken(),
            DATABASE_PASSWORD,
            LocalPostgres.PASSWORD),
        readiness(controlPlaneUrl()));
  }

  /** The web portal (web-portal/README.md): logs people in at Keycloak, calls both APIs. */
  SpringService portal() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.address", "127.0.0.1");
    settings.put("server.port", String.valueOf(ports.portalHttp()));
    settings.put("spring.security.oauth2.client.provider.keycloak.issuer-uri", issuer().toString());
    settings.put(
        "spring.security.oauth2.client.registration.keycloak.client-id", DemoRealm.PORTAL_CLIENT);
    settings.put("veneer.portal.control-plane-url", controlPlaneUrl().toString());
    settings.put("veneer.portal.image-service-url", imagesUrl().toString());
    // The console proxy verifies the agents' console listeners with the stack's CA.
    settings.put("veneer.portal.console-ca-file", tls.caCertificate().toString());
    settings.put("veneer.kafka.bootstrap-servers", kafkaBootstrap());
    settings.put("management.endpoint.health.probes.enabled", "true");
    return new SpringService(
        "web-portal",
        jars.portal(),
        settings,
        Map.of("VENEER_PORTAL_CLIENT_SECRET", DemoRealm.PORTAL_CLIENT_SECRET),
        readiness(portalUrl()));
  }

  /** A node agent's environment (node-agent/README.md). */
  Map<String, String> agent(String hostId, String agentToken, String driver) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VENEER_CONTROL_PLANE", agentGateway());
    env.put("VENEER_TLS_CA", tls.caCertificate().toString());
    env.put("VENEER_HOST_ID", hostId);
    env.put("VENEER_AGENT_TOKEN", agentToken);
    env.put(
        "VENEER_DATA_DIR",
        AgentDataPath.forAgent(layout.agentData(hostId), layout.root(), hostId).toString());
    env.put("VENEER_DRIVER", driver);
    env.put("VENEER_VCPUS", String.valueOf(DemoSetup.HOST_VCPUS));
    env.put("VENEER_MEMORY_MIB", String.valueOf(DemoSetup.HOST_MEMORY_MIB));
    env.put("VENEER_DISK_GIB", String.valueOf(DemoSetup.HOST_DISK_GIB));
    env.put("VENEER_IMAGE_SERVICE", imagesUrl().toString());
    env.put("VENEER_IMAGE_SERVICE_TOKEN", credentials.imagesAgentToken());
    env.put("VENEER_HEARTBEAT_SECONDS", String.valueOf(HEARTBEAT_SECONDS));
    env.put("VENEER_STOP_GRACE_SECONDS", "5");
    // The tiny golden image prints this once booted: desktops are RUNNING when usable.
    env.put("VENEER_GUEST_READY_LINE", "VENEER GUEST READY");
    // Its console listener: TLS with the stack's certificate (localhost, 127.0.0.1), on a port
    // of its own (two agents share this machine), admitting grants of the stack's control plane.
    env.put("VENEER_CONSOLE_LISTEN", "127.0.0.1:0");
    env.put("VENEER_CONSOLE_TLS_CERT", tls.serverCertificate().toString());
    env.put("VENEER_CONSOLE_TLS_KEY", tls.serverKey().toString());
    env.put("VENEER_CONSOLE_GRANT_KEY", tls.consoleGrantPublicKey().toString());
    return env;
  }

  private Map<String, String> common(int httpPort, int managementPort, String database) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("server.address", "127.0.0.1");
    settings.put("server.port", String.valueOf(httpPort));
    // The actuator and the OpenAPI document, on loopback too.
    settings.put("management.server.address", "127.0.0.1");
    settings.put("management.server.port", String.valueOf(managementPort));
    settings.put(
        "spring.datasource.url",
        "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/" + database);
    settings.put("spring.datasource.username", LocalPostgres.ROLE);
    settings.put("veneer.kafka.bootstrap-servers", kafkaBootstrap());
    return settings;
  }

  private static URI readiness(URI base) {
    return base.resolve("/readyz");
  }
}
