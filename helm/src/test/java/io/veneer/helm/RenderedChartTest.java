package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the chart renders for each values file under ci/, checked against the Kubernetes API. */
class RenderedChartTest {

  @ParameterizedTest(name = "ci/{0}.yaml")
  @ValueSource(
      strings = {
        "minimal",
        "ha",
        "bundled",
        "existing-secrets",
        "kvm-device-plugin",
        "kvm-host-path"
      })
  void everyObjectIsValidForTheKubernetesApi(String values) {
    Manifests manifests = VeneerChart.render(values);

    assertThat(manifests.objects()).isNotEmpty();
    assertThat(manifests.objects().stream().flatMap(o -> StrictKubernetesApi.problems(o).stream()))
        .as("fields unknown to Kubernetes %s", VeneerChart.KUBERNETES_VERSION)
        .isEmpty();
  }

  @ParameterizedTest(name = "ci/{0}.yaml")
  @ValueSource(
      strings = {
        "minimal",
        "ha",
        "bundled",
        "existing-secrets",
        "kvm-device-plugin",
        "kvm-host-path"
      })
  void everyPodRunsAsNonRootWithoutPrivilegeEscalationUnlessItMountsTheHostsKvm(String values) {
    Manifests manifests = VeneerChart.render(values);

    workloads(manifests)
        .forEach(
            workload -> {
              JsonNode pod = Manifests.podSpec(workload);
              assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean())
                  .as("%s runs as non-root", name(workload))
                  .isTrue();
              assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                  .as("%s mounts no API token", name(workload))
                  .isFalse();
              for (JsonNode container : pod.path("containers")) {
                boolean hostKvm =
                    container.path("securityContext").path("privileged").asBoolean(false);
                assertThat(hostKvm && !values.equals("kvm-host-path"))
                    .as("%s/%s is privileged", name(workload), container.path("name").asText())
                    .isFalse();
                if (!hostKvm) {
                  assertThat(
                          container
                              .path("securityContext")
                              .path("allowPrivilegeEscalation")
                              .asBoolean(true))
                      .as("%s/%s may escalate", name(workload), container.path("name").asText())
                      .isFalse();
                }
              }
            });
  }

  @Test
  void theControlPlaneRunsTwoSpreadReplicasGuardedByADisruptionBudgetAndProbedOnActuatorGroups() {
    Manifests manifests = VeneerChart.render("minimal");

    ObjectNode deployment = manifests.get("Deployment", "veneer-control-plane");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    JsonNode pod = Manifests.podSpec(deployment);
    assertThat(
            pod.path("affinity")
                .path("podAntiAffinity")
                .path("preferredDuringSchedulingIgnoredDuringExecution"))
        .hasSize(1);
    JsonNode container = pod.path("containers").get(0);
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/livez");
    assertThat(container.path("startupProbe").path("httpGet").path("path").asText())
        .isEqualTo("/livez");
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    assertThat(
            manifests
                .get("PodDisruptionBudget", "veneer-control-plane")
                .path("spec")
                .path("minAvailable")
                .asInt())
        .isEqualTo(1);
    assertThat(manifests.ofKind("HorizontalPodAutoscaler")).isEmpty();
  }

  @Test
  void theHaValuesAutoscaleTheControlPlaneRequireSpreadingAndAskForScraping() {
    Manifests manifests = VeneerChart.render("ha");

    ObjectNode deployment = manifests.get("Deployment", "veneer-control-plane");
    assertThat(deployment.path("spec").has("replicas"))
        .as("replicas are the autoscaler's")
        .isFalse();
    assertThat(
            Manifests.podSpec(deployment)
                .path("affinity")
                .path("podAntiAffinity")
                .path("requiredDuringSchedulingIgnoredDuringExecution"))
        .hasSize(1);
    JsonNode hpa = manifests.get("HorizontalPodAutoscaler", "veneer-control-plane").path("spec");
    assertThat(hpa.path("minReplicas").asInt()).isEqualTo(3);
    assertThat(hpa.path("maxReplicas").asInt()).isEqualTo(9);
    assertThat(manifests.ofKind("ServiceMonitor"))
        .extracting(o -> o.path("metadata").path("name").asText())
        .containsExactly("veneer-control-plane", "veneer-golden-image-service");
  }

  @Test
  void metricsAndTheApiDocumentAreOnlyOnTheManagementPortWhichNoIngressNorPublicServiceReaches() {
    Manifests manifests =
        VeneerChart.render(VeneerChart.ciValues("ha"), Map.of("service.type", "LoadBalancer"));

    for (String component : List.of("control-plane", "golden-image-service")) {
      String name = "veneer-" + component;
      assertThat(manifests.get("ConfigMap", name).path("data").path("MANAGEMENT_PORT").asText())
          .as(name)
          .isNotEmpty();
      ObjectNode management = manifests.get("Service", name + "-management");
      assertThat(management.path("spec").path("type").asText()).isEqualTo("ClusterIP");
      assertThat(management.path("spec").path("ports"))
          .extracting(p -> p.path("targetPort").asText())
          .containsExactly("management");
      assertThat(manifests.get("Service", name).path("spec").path("ports"))
          .extracting(p -> p.path("targetPort").asText())
          .doesNotContain("management");
      assertThat(
              manifests
                  .get("ServiceMonitor", name)
                  .path("spec")
                  .path("endpoints")
                  .get(0)
                  .path("port")
                  .asText())
          .isEqualTo("management");
      JsonNode managementRule =
          StreamSupport.stream(
                  manifests.get("NetworkPolicy", name).path("spec").path("ingress").spliterator(),
                  false)
              .filter(rule -> rule.path("ports").get(0).path("port").asText().equals("management"))
              .findFirst()
              .orElseThrow();
      assertThat(managementRule.path("from").get(0).path("namespaceSelector").isObject()).isTrue();
    }
    assertThat(manifests.ofKind("Ingress"))
        .flatExtracting(
            ingress ->
                ingress.path("spec").path("rules").findValues("path").stream()
                    .map(JsonNode::asText)
                    .toList())
        .doesNotContain("/v3/api-docs", "/swagger-ui", "/actuator")
        .contains("/api");
  }

  @Test
  void theGoldenImageServiceIsOneInstanceOnItsOwnVolume() {
    ObjectNode statefulSet =
        VeneerChart.render("ha").get("StatefulSet", "veneer-golden-image-service");

    assertThat(statefulSet.path("spec").path("replicas").asInt()).isEqualTo(1);
    JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").get(0).path("spec");
    assertThat(claim.path("resources").path("requests").path("storage").asText()).isEqualTo("2Ti");
    assertThat(claim.path("storageClassName").asText()).isEqualTo("fast-ssd");
  }

  @Test
  void kvmThroughTheDevicePluginAsksForTheResourceAndStaysUnprivileged() {
    JsonNode agent = agentContainer(VeneerChart.render("kvm-device-plugin"));

    assertThat(agent.path("resources").path("limits").path("devices.kubevirt.io/kvm").asText())
        .isEqualTo("1");
    assertThat(agent.path("securityContext").path("privileged").asBoolean(false)).isFalse();
    assertThat(volumeMountPaths(agent)).doesNotContain("/dev/kvm");
  }

  @Test
  void kvmThroughAHostPathMountsTheCharacterDeviceIntoAPrivilegedContainer() {
    Manifests manifests = VeneerChart.render("kvm-host-path");
    JsonNode agent = agentContainer(manifests);

    assertThat(agent.path("securityContext").path("privileged").asBoolean()).isTrue();
    assertThat(volumeMountPaths(agent)).contains("/dev/kvm");
    assertThat(agent.path("resources").path("limits").has("devices.kubevirt.io/kvm")).isFalse();
    JsonNode pod = Manifests.podSpec(manifests.get("DaemonSet", "veneer-node-agent"));
    assertThat(pod.path("securityContext").path("supplementalGroups").get(0).asInt()).isEqualTo(36);
    assertThat(
            StreamSupport.stream(pod.path("volumes").spliterator(), false)
                .filter(v -> v.path("name").asText().equals("kvm"))
                .map(v -> v.path("hostPath").path("type").asText()))
        .containsExactly("CharDevice");
  }

  @Test
  void theAgentsRunOnLabelledNodesWithTheNodeNameAsHostIdAndNoMemoryLimitOverTheirGuests() {
    ObjectNode daemonSet = VeneerChart.render("minimal").get("DaemonSet", "veneer-node-agent");
    JsonNode pod = Manifests.podSpec(daemonSet);
    JsonNode agent = pod.path("containers").get(0);

    assertThat(pod.path("nodeSelector").path("veneer.io/node-agent").asText()).isEqualTo("true");
    assertThat(
            env(agent, "VENEER_HOST_ID")
                .path("valueFrom")
                .path("fieldRef")
                .path("fieldPath")
                .asText())
        .isEqualTo("spec.nodeName");
    assertThat(env(agent, "VENEER_CONTROL_PLANE").path("value").asText())
        .isEqualTo("veneer-control-plane-agents:9090");
    assertThat(agent.path("resources").path("limits").has("memory")).isFalse();
  }

  @Test
  void everyGrpcListenerServesTheTlsSecretsCertificateAndEveryClientVerifiesItWithItsCa() {
    Manifests manifests = VeneerChart.render("minimal");

    JsonNode controlPlane = manifests.get("ConfigMap", "veneer-control-plane").path("data");
    assertThat(controlPlane.path("VENEER_TLS_CERTIFICATEFILE").asText())
        .isEqualTo("/etc/veneer/grpc-tls/tls.crt");
    assertThat(controlPlane.path("VENEER_TLS_PRIVATEKEYFILE").asText())
        .isEqualTo("/etc/veneer/grpc-tls/tls.key");
    assertThat(controlPlane.path("VENEER_IMAGES_GRPCCAFILE").asText())
        .isEqualTo("/etc/veneer/grpc-tls/ca.crt");
    assertThat(controlPlane.has("VENEER_TLS_PLAINTEXT")).isFalse();
    assertThat(
            manifests
                .get("ConfigMap", "veneer-golden-image-service")
                .path("data")
                .path("VENEER_IMAGES_GRPCTLS_CERTIFICATEFILE")
                .asText())
        .isEqualTo("/etc/veneer/grpc-tls/tls.crt");
    JsonNode agent =
        Manifests.podSpec(manifests.get("DaemonSet", "veneer-node-agent"))
            .path("containers")
            .get(0);
    assertThat(env(agent, "VENEER_TLS_CA").path("value").asText())
        .isEqualTo("/etc/veneer/grpc-tls/ca.crt");
    for (ObjectNode workload :
        List.of(
            manifests.get("Deployment", "veneer-control-plane"),
            manifests.get("StatefulSet", "veneer-golden-image-service"),
            manifests.get("DaemonSet", "veneer-node-agent"))) {
      JsonNode pod = Manifests.podSpec(workload);
      assertThat(pod.path("volumes").findValues("secretName"))
          .extracting(JsonNode::asText)
          .contains("veneer-grpc-tls");
      assertThat(pod.path("containers").get(0).path("volumeMounts").findValues("mountPath"))
          .extracting(JsonNode::asText)
          .contains("/etc/veneer/grpc-tls");
    }
    assertThat(manifests.text()).doesNotContain("h2c");
  }

  @Test
  void grpcInClearOnlyWhenPlaintextIsSetAndNeverWithoutEither() {
    Manifests plaintext = VeneerChart.render("bundled");

    assertThat(
            plaintext
                .get("ConfigMap", "veneer-control-plane")
                .path("data")
                .path("VENEER_TLS_PLAINTEXT")
                .asText())
        .isEqualTo("true");
    JsonNode agent =
        Manifests.podSpec(plaintext.get("DaemonSet", "veneer-node-agent"))
            .path("containers")
            .get(0);
    assertThat(env(agent, "VENEER_TLS").path("value").asText()).isEqualTo("false");
    assertThatThrownBy(
            () ->
                VeneerChart.render(
                    VeneerChart.ciValues("minimal"), Map.of("grpcTls.secretName", "")))
        .hasMessageContaining("grpcTls.secretName is required");
    assertThatThrownBy(
            () ->
                VeneerChart.render(
                    VeneerChart.ciValues("minimal"), Map.of("grpcTls.plaintext", true)))
        .hasMessageContaining("grpcTls.secretName and grpcTls.plaintext exclude each other");
  }

  @Test
  void kafkasClientSettingsReachEveryServiceAndTheSecretOnesComeFromTheirSecret() {
    Manifests manifests = VeneerChart.render("existing-secrets");

    for (String service : List.of("control-plane", "golden-image-service", "web-portal")) {
      JsonNode config = manifests.get("ConfigMap", "veneer-" + service).path("data");
      assertThat(config.path("VENEER_KAFKA_PROPERTIES_SECURITY_PROTOCOL").asText())
          .as(service)
          .isEqualTo("SASL_SSL");
      assertThat(config.path("VENEER_KAFKA_PROPERTIES_SASL_MECHANISM").asText())
          .isEqualTo("SCRAM-SHA-512");
      assertThat(config.path("VENEER_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE").asText())
          .isEqualTo("PEM");
      assertThat(config.has("VENEER_KAFKA_PROPERTIES_SASL_JAAS_CONFIG")).isFalse();
    }
    for (ObjectNode workload :
        List.of(
            manifests.get("Deployment", "veneer-control-plane"),
            manifests.get("StatefulSet", "veneer-golden-image-service"),
            manifests.get("Deployment", "veneer-web-portal"))) {
      JsonNode container = Manifests.podSpec(workload).path("containers").get(0);
      JsonNode jaas =
          env(container, "VENEER_KAFKA_PROPERTIES_SASL_JAAS_CONFIG")
              .path("valueFrom")
              .path("secretKeyRef");
      assertThat(jaas.path("name").asText()).isEqualTo("veneer-kafka-client");
      assertThat(jaas.path("key").asText()).isEqualTo("jaas-config");
      assertThat(
              env(container, "VENEER_KAFKA_PROPERTIES_SSL_TRUSTSTORE_CERTIFICATES")
                  .path("valueFrom")
                  .path("secretKeyRef")
                  .path("key")
                  .asText())
          .isEqualTo("ca.crt");
    }
    assertThat(manifests.ofKind("Job")).isEmpty();
  }

  @Test
  void theTopicsJobThatCannotTakeKafkasClientSettingsIsRefusedWithThem() {
    assertThatThrownBy(
            () ->
                VeneerChart.render(
                    VeneerChart.ciValues("minimal"),
                    Map.of("externalKafka.properties.security\\.protocol", "SSL")))
        .hasMessageContaining(
            "create the topics beforehand and set externalKafka.createTopics=false");
  }

  @Test
  void bundledDependenciesAreStatefulSetsOfTheUpstreamImages() {
    Manifests manifests = VeneerChart.render("bundled");

    assertThat(manifests.ofKind("StatefulSet"))
        .extracting(o -> o.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder(
            "veneer-golden-image-service", "veneer-postgresql", "veneer-kafka", "veneer-keycloak");
    assertThat(manifests.ofKind("Job"))
        .extracting(o -> o.path("metadata").path("name").asText())
        .containsExactly("veneer-kafka-topics-1");
    assertThat(
            manifests
                .get("ConfigMap", "veneer-control-plane")
                .path("data")
                .path("VENEER_KAFKA_BOOTSTRAPSERVERS")
                .asText())
        .isEqualTo("veneer-kafka:9092");
  }

  @Test
  void credentialsFromExistingSecretsLeaveTheChartNoSecretOfItsOwn() {
    Manifests manifests = VeneerChart.render("existing-secrets");

    assertThat(manifests.ofKind("Secret")).isEmpty();
    JsonNode portal =
        Manifests.podSpec(manifests.get("Deployment", "veneer-web-portal"))
            .path("containers")
            .get(0);
    JsonNode ref =
        env(portal, "VENEER_PORTAL_CLIENT_SECRET").path("valueFrom").path("secretKeyRef");
    assertThat(ref.path("name").asText()).isEqualTo("veneer-keycloak-clients");
    assertThat(ref.path("key").asText()).isEqualTo("portal");
  }

  @Test
  void generatedCredentialsAreMadeOnceAtInstallAndKeptByHelm() {
    Manifests manifests = VeneerChart.render("minimal");

    ObjectNode generated = manifests.get("Secret", "veneer-generated");
    assertThat(
            generated.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
        .isEqualTo("keep");
    assertThat(iterable(generated.path("data").fieldNames()))
        .containsExactlyInAnyOrder("images-api-token", "images-agent-token");
    assertThat(iterable(manifests.get("Secret", "veneer").path("data").fieldNames()))
        .containsExactlyInAnyOrder("database-password", "portal-client-secret");
  }

  @Test
  void networkPoliciesAreOnByDefault() {
    assertThat(VeneerChart.render("minimal").ofKind("NetworkPolicy"))
        .extracting(o -> o.path("metadata").path("name").asText())
        .contains(
            "veneer-default-deny",
            "veneer-web-portal",
            "veneer-control-plane",
            "veneer-golden-image-service",
            "veneer-node-agent");
  }

  private static Stream<ObjectNode> workloads(Manifests manifests) {
    return Stream.of("Deployment", "StatefulSet", "DaemonSet", "Job")
        .flatMap(kind -> manifests.ofKind(kind).stream());
  }

  private static JsonNode agentContainer(Manifests manifests) {
    return Manifests.podSpec(manifests.get("DaemonSet", "veneer-node-agent"))
        .path("containers")
        .get(0);
  }

  private static List<String> volumeMountPaths(JsonNode container) {
    return StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
        .map(m -> m.path("mountPath").asText())
        .toList();
  }

  private static JsonNode env(JsonNode container, String name) {
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .filter(e -> e.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + container.path("name")));
  }

  private static String name(ObjectNode object) {
    return object.path("kind").asText() + " " + object.path("metadata").path("name").asText();
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
    return () -> iterator;
  }
}
