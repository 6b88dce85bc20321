package io.veneer.helm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.helm.Manifests;
import io.veneer.helm.VeneerChart;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.keycloak.TestKeycloak;
import io.veneer.testsupport.keycloak.VeneerRealm;
import io.veneer.testsupport.net.FreePorts;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart's contract with the services: each Spring Boot service's jar, started with exactly the
 * environment the chart renders for its container (pointed at real PostgreSQL, Kafka and Keycloak
 * through the chart's own values), becomes ready on its readiness probe's path; and every variable
 * the chart renders is a setting the service's jar knows. A property name the chart gets wrong,
 * which Spring Boot would silently ignore, fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartContractTest {

  /** The services, as the chart names their workloads and containers. */
  enum Service {
    CONTROL_PLANE("control-plane", "Deployment"),
    GOLDEN_IMAGE_SERVICE("golden-image-service", "StatefulSet"),
    WEB_PORTAL("web-portal", "Deployment");

    final String module;
    final String kind;

    Service(String module, String kind) {
      this.module = module;
      this.kind = kind;
    }

    ContainerEnvironment environment(
        Manifests manifests, Map<String, Map<String, String>> existingSecrets) {
      return ContainerEnvironment.of(
          manifests, existingSecrets, kind, VeneerChart.RELEASE + "-" + module, module);
    }
  }

  /**
   * A bound against a service that hangs, not a speed goal: three Spring Boot services starting
   * together on two shared cores took up to five minutes when the machine was loaded.
   */
  private static final Duration READY_WITHIN = Duration.ofMinutes(10);

  private Manifests manifests;

  /**
   * Secrets the operator made beforehand: the database password (the test server's role has an
   * empty one, which the chart refuses as a value), so the existingSecret path is the one taken.
   */
  private Map<String, Map<String, String>> existingSecrets;

  private final Map<Service, RunningService> running = new EnumMap<>(Service.class);
  private final Map<Service, KnownSettings> known = new EnumMap<>(Service.class);

  @BeforeAll
  void renderTheChartForRealServersAndStartEveryService() throws IOException {
    PostgresDatabase controlPlaneDatabase = TestPostgres.freshDatabase(ChartContractTest.class);
    PostgresDatabase imagesDatabase = TestPostgres.freshDatabase(ChartContractTest.class);
    KafkaTopics topics = TestKafka.freshTopics(ChartContractTest.class);
    topics.create(
        1,
        "veneer.desktops.v1",
        "veneer.hosts.v1",
        "veneer.pools.v1",
        "veneer.images.v1",
        "veneer.quotas.v1");
    VeneerRealm realm = TestKeycloak.get();
    URI database = URI.create(controlPlaneDatabase.jdbcUrl().substring("jdbc:".length()));
    Path work = Files.createTempDirectory("chart-contract");

    Map<String, Object> values = new LinkedHashMap<>();
    values.put("externalDatabase.host", database.getHost());
    values.put("externalDatabase.port", database.getPort());
    values.put("externalDatabase.user", controlPlaneDatabase.username());
    existingSecrets =
        Map.of(
            "contract-database",
            Map.of("password", controlPlaneDatabase.password()),
            "contract-kafka",
            Map.of("backoff", "100"));
    values.put("externalDatabase.existingSecret", "contract-database");
    values.put("externalDatabase.controlPlaneDatabase", controlPlaneDatabase.name());
    values.put("externalDatabase.imagesDatabase", imagesDatabase.name());
    values.put("externalKafka.bootstrapServers", topics.bootstrapServers());
    values.put("externalKafka.topicPrefix", topics.prefix());
    // Kafka client settings, as they are and from a Secret: every service must know and take them.
    values.put("externalKafka.createTopics", false);
    values.put("externalKafka.properties.client\\.dns\\.lookup", "use_all_dns_ips");
    values.put(
        "externalKafka.secretProperties.reconnect\\.backoff\\.ms.secretName", "contract-kafka");
    values.put("externalKafka.secretProperties.reconnect\\.backoff\\.ms.key", "backoff");
    values.put("externalKeycloak.issuerUri", realm.issuerUri().toString());
    values.put("externalKeycloak.url", realm.server().baseUrl().toString());
    values.put("externalKeycloak.realm", realm.name());
    values.put("externalKeycloak.portalClient.id", VeneerRealm.PORTAL.clientId());
    values.put("externalKeycloak.portalClient.secret", VeneerRealm.PORTAL.secret());
    values.put("externalKeycloak.directoryClient.id", VeneerRealm.AUTOMATION.clientId());
    values.put("externalKeycloak.directoryClient.secret", VeneerRealm.AUTOMATION.secret());
    // Every port free on this machine, through the chart's own values.
    for (String port :
        new String[] {
          "controlPlane.ports.http",
          "controlPlane.ports.management",
          "controlPlane.ports.agentGrpc",
          "controlPlane.ports.apiGrpc",
          "goldenImageService.ports.http",
          "goldenImageService.ports.management",
          "goldenImageService.ports.grpc",
          "webPortal.port"
        }) {
      values.put(port, FreePorts.next());
    }
    values.put("goldenImageService.persistence.mountPath", work.resolve("images").toString());
    values.put("grpcTls.mountPath", grpcTlsSecret(work.resolve("grpc-tls")).toString());
    values.put("consoles.mountPath", work.resolve("consoles").toString());
    manifests = VeneerChart.render(VeneerChart.ciValues("minimal"), values);
    consoleSecrets(manifests, work.resolve("consoles"));

    for (Service service : Service.values()) {
      ServiceJar jar = ServiceJar.of(service.module);
      known.put(service, KnownSettings.of(jar));
      running.put(
          service,
          RunningService.start(
              jar, service.environment(manifests, existingSecrets).variables(), work));
    }
  }

  /** What Kubernetes would mount of the chart's gRPC TLS Secret: a real CA's files, its keys. */
  private static Path grpcTlsSecret(Path mount) throws IOException {
    LocalCertificateAuthority ca =
        new LocalCertificateAuthority(Files.createTempDirectory("chart-contract-ca")).create();
    Files.createDirectories(mount);
    Files.copy(ca.serverCertificate(), mount.resolve("tls.crt"));
    Files.copy(ca.serverKey(), mount.resolve("tls.key"));
    Files.copy(ca.caCertificate(), mount.resolve("ca.crt"));
    return mount;
  }

  /**
   * What Kubernetes would mount of the console Secrets the chart generated: the control plane
   * starts only with a grant key it can read, the portal only with a console CA it can.
   */
  private static void consoleSecrets(Manifests manifests, Path mount) throws IOException {
    Path grant = Files.createDirectories(mount.resolve("grant"));
    Path ca = Files.createDirectories(mount.resolve("ca"));
    Files.write(grant.resolve("grant.key"), secretKey(manifests, "console-grant", "grant.key"));
    Files.write(ca.resolve("ca.crt"), secretKey(manifests, "console-ca", "tls.crt"));
  }

  private static byte[] secretKey(Manifests manifests, String secret, String key) {
    return Base64.getDecoder()
        .decode(
            manifests
                .get("Secret", VeneerChart.RELEASE + "-" + secret)
                .path("data")
                .path(key)
                .asText());
  }

  @AfterAll
  void stopEveryService() throws InterruptedException {
    for (RunningService service : running.values()) {
      service.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void everyVariableTheChartRendersIsASettingOfTheService(Service service) {
    ContainerEnvironment environment = service.environment(manifests, existingSecrets);

    assertThat(environment.variables().keySet())
        .as(
            "variables %s renders that %s's jar does not read (a misspelt property is ignored by"
                + " Spring Boot, so the chart must not render it)",
            "helm/veneer", service.module)
        .allMatch(known.get(service)::knows);
  }

  @ParameterizedTest
  @EnumSource(Service.class)
  void theServiceIsReadyOnItsProbeWithExactlyWhatTheChartRenders(Service service)
      throws InterruptedException {
    ContainerEnvironment environment = service.environment(manifests, existingSecrets);
    RunningService process = running.get(service);

    int status =
        process.awaitStatus(environment.readinessPort(), environment.readinessPath(), READY_WITHIN);

    assertThat(status)
        .as("GET %s%n%s", environment.readinessPath(), process.logTail())
        .isEqualTo(200);
  }

  /** The catalogue itself: it tells a real setting from a near miss. */
  @ParameterizedTest(name = "{0}: {1} known = {2}")
  @CsvSource({
    "CONTROL_PLANE, VENEER_AGENTS_GRPCPORT, true",
    "CONTROL_PLANE, VENEER_AGENTS_GRPC_PORT, true",
    "CONTROL_PLANE, VENEER_AGENTS_GRPCPROT, false",
    "CONTROL_PLANE, VENEER_DB_URL, true",
    "CONTROL_PLANE, SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES, true",
    "CONTROL_PLANE, SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCE, false",
    "CONTROL_PLANE, VENEER_OUTBOX_RELAY_BATCHSIZE, true",
    "GOLDEN_IMAGE_SERVICE, VENEER_IMAGES_GCINTERVAL, true",
    "GOLDEN_IMAGE_SERVICE, VENEER_IMAGES_APITOKEN, true",
    "GOLDEN_IMAGE_SERVICE, VENEER_IMAGES_TOKEN, false",
    "WEB_PORTAL, VENEER_PORTAL_ALLOWEDORIGINS, true",
    "WEB_PORTAL, VENEER_PORTAL_CONTROLPLANE, false",
    "WEB_PORTAL, VENEER_IMAGES_APITOKEN, false",
  })
  void knownSettingsTellARealSettingFromANearMiss(Service service, String variable, boolean known) {
    assertThat(this.known.get(service).knows(variable)).isEqualTo(known);
  }

  @Test
  void eachServiceHasItsOwnVeneerRecordsInTheCatalogue() {
    assertThat(known.get(Service.CONTROL_PLANE).veneerProperties())
        .contains(
            "veneer.agents.grpc-port",
            "veneer.identity.client-secret",
            "veneer.kafka.topic-prefix");
    assertThat(known.get(Service.GOLDEN_IMAGE_SERVICE).veneerProperties())
        .contains("veneer.images.storage-directory", "veneer.outbox.relay.enabled");
    assertThat(known.get(Service.WEB_PORTAL).veneerProperties())
        .contains("veneer.portal.backend-timeout", "veneer.kafka.bootstrap-servers")
        .doesNotContain("veneer.images.api-token");
  }
}
