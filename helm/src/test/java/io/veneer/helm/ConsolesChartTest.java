package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.console.PemKeys;
import io.veneer.api.tls.PemTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Browser consoles, as the chart configures them: the control plane signs grants with a key only it
 * mounts, agents check them with its public half and serve their console listener with a
 * certificate the consoles' CA issues them at start for their pod's address, and the portal
 * verifies listeners against that CA.
 */
class ConsolesChartTest {

  private static final String PREFIX = VeneerChart.RELEASE + "-";

  @TempDir Path dir;

  @Test
  void byDefaultEachServiceMountsOnlyItsOwnPartOfTheGeneratedConsoleSecrets() {
    Manifests manifests = VeneerChart.render("minimal");

    assertThat(secretVolume(workload(manifests, "Deployment", "control-plane"), "console-grant"))
        .isEqualTo(PREFIX + "console-grant:grant.key");
    assertThat(secretVolume(workload(manifests, "Deployment", "web-portal"), "console-ca"))
        .isEqualTo(PREFIX + "console-ca:tls.crt");
    ObjectNode agent = workload(manifests, "DaemonSet", "node-agent");
    assertThat(secretVolume(agent, "console-grant")).isEqualTo(PREFIX + "console-grant:grant.pub");
    assertThat(secretVolume(agent, "console-ca")).isEqualTo(PREFIX + "console-ca:*");
    assertThat(mounts(container(agent, "initContainers", "console-certificate")))
        .contains("console-ca")
        .doesNotContain("console-grant");
    assertThat(mounts(container(agent, "containers", "node-agent")))
        .contains("console-tls", "console-grant")
        .doesNotContain("console-ca");
    assertThat(env(container(agent, "containers", "node-agent")))
        .containsEntry("VENEER_CONSOLE_LISTEN", "0.0.0.0:5900")
        .containsEntry("VENEER_CONSOLE_TLS_CERT", "/run/veneer/console-tls/tls.crt")
        .containsEntry("VENEER_CONSOLE_TLS_KEY", "/run/veneer/console-tls/tls.key")
        .containsEntry("VENEER_CONSOLE_GRANT_KEY", "/etc/veneer/consoles/grant/grant.pub");
    assertThat(configMap(manifests, "control-plane"))
        .containsEntry("VENEER_CONSOLE_GRANTKEYFILE", "/etc/veneer/consoles/grant/grant.key");
    assertThat(configMap(manifests, "web-portal"))
        .containsEntry("VENEER_PORTAL_CONSOLECAFILE", "/etc/veneer/consoles/ca/ca.crt");
  }

  @Test
  void onlyThePortalReachesTheAgentsAndOnlyOnTheConsolePort() {
    JsonNode on =
        VeneerChart.render("minimal").get("NetworkPolicy", PREFIX + "node-agent").path("spec");
    JsonNode off =
        VeneerChart.render(VeneerChart.ciValues("minimal"), Map.of("consoles.enabled", false))
            .get("NetworkPolicy", PREFIX + "node-agent")
            .path("spec");

    assertThat(on.path("ingress")).hasSize(1);
    assertThat(on.path("ingress").get(0).path("ports").get(0).path("port").asInt()).isEqualTo(5900);
    assertThat(
            on.path("ingress")
                .get(0)
                .path("from")
                .get(0)
                .path("podSelector")
                .path("matchLabels")
                .path("app.kubernetes.io/component")
                .asText())
        .isEqualTo("web-portal");
    assertThat(off.path("ingress")).isEmpty();
    assertThat(off.path("policyTypes").toString()).contains("Ingress");
  }

  @Test
  void theGeneratedKeySignsGrantsAgentsAdmitAndTheCaVouchesForEachAgentsListener()
      throws Exception {
    Manifests manifests = VeneerChart.render("minimal");
    Path grant = Files.createDirectories(dir.resolve("grant"));
    Path ca = Files.createDirectories(dir.resolve("ca"));
    Path listener = Files.createDirectories(dir.resolve("listener"));
    write(manifests.get("Secret", PREFIX + "console-grant"), grant);
    write(manifests.get("Secret", PREFIX + "console-ca"), ca);

    String signed =
        ConsoleGrant.of(UUID.randomUUID(), "node-1", "alice", Instant.now().plusSeconds(30))
            .signedWith(PemKeys.ed25519PrivateKey(grant.resolve("grant.key")));
    assertThat(ConsoleGrant.verified(signed, PemKeys.ed25519PublicKey(grant.resolve("grant.pub"))))
        .extracting(ConsoleGrant::subject)
        .isEqualTo("alice");

    issueListenerCertificate(manifests, ca, listener, "127.0.0.1", "node-1");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(listener.resolve("tls.key"))))
        .isEqualTo("rw-------");
    assertThat(handshake(listener, ca.resolve("tls.crt"), "127.0.0.1")).isEqualTo("RFB 003.008");
  }

  @Test
  void aListenerCertificateIsForItsOwnPodAddressOnly() throws Exception {
    Manifests manifests = VeneerChart.render("minimal");
    Path ca = Files.createDirectories(dir.resolve("ca"));
    Path listener = Files.createDirectories(dir.resolve("listener"));
    write(manifests.get("Secret", PREFIX + "console-ca"), ca);

    issueListenerCertificate(manifests, ca, listener, "10.1.2.3", "node-1");

    assertThatThrownBy(() -> handshake(listener, ca.resolve("tls.crt"), "127.0.0.1"))
        .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
  }

  @Test
  void givenSecretsAreMountedAndNoneIsGenerated() {
    Manifests manifests =
        VeneerChart.render(
            VeneerChart.ciValues("minimal"),
            Map.of("consoles.grantKeySecret", "my-grant", "consoles.caSecret", "my-ca"));

    assertThat(manifests.ofKind("Secret"))
        .extracting(s -> s.path("metadata").path("name").asText())
        .doesNotContain(PREFIX + "console-grant", PREFIX + "console-ca");
    assertThat(secretVolume(workload(manifests, "Deployment", "control-plane"), "console-grant"))
        .isEqualTo("my-grant:grant.key");
    assertThat(secretVolume(workload(manifests, "Deployment", "web-portal"), "console-ca"))
        .isEqualTo("my-ca:tls.crt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"grantKeySecret", "caSecret"})
  void halfOfTheConsoleSecretsIsRefused(String given) {
    assertThatThrownBy(
            () ->
                VeneerChart.render(
                    VeneerChart.ciValues("minimal"), Map.of("consoles." + given, "mine")))
        .hasMessageContaining("consoles." + given + " is given but")
        .hasMessageContaining("give both Secrets, or neither");
  }

  @Test
  void consolesOffConfigureNoPartOfThem() {
    Manifests manifests =
        VeneerChart.render(VeneerChart.ciValues("minimal"), Map.of("consoles.enabled", false));

    assertThat(manifests.text())
        .doesNotContain(
            "VENEER_CONSOLE_GRANTKEYFILE",
            "VENEER_CONSOLE_LISTEN",
            "CONSOLECAFILE",
            "console-grant",
            "console-ca",
            "console-tls");
  }

  /** Runs the agent's init container's script as kubelet would, with its directories here. */
  private static void issueListenerCertificate(
      Manifests manifests, Path ca, Path out, String podIp, String node) throws Exception {
    JsonNode init =
        container(
            workload(manifests, "DaemonSet", "node-agent"),
            "initContainers",
            "console-certificate");
    List<String> command = new ArrayList<>();
    init.path("command").forEach(c -> command.add(c.asText()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("POD_IP", podIp);
    builder.environment().put("VENEER_HOST_ID", node);
    builder.environment().put("CONSOLE_CA_DIR", ca.toString());
    builder.environment().put("CONSOLE_TLS_DIR", out.toString());
    Process process = builder.start();
    String said = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as("the init container's script said: %s", said).isZero();
    assertThat(out)
        .isDirectoryContaining("glob:**/tls.crt")
        .isDirectoryContaining("glob:**/tls.key");
  }

  /**
   * A TLS handshake as the portal's console proxy makes it (the CA, the host's address checked
   * against the certificate) with a listener serving the issued certificate; the first line the
   * listener sends.
   */
  private static String handshake(Path listener, Path caCertificate, String address)
      throws Exception {
    var server = PemTls.server(listener.resolve("tls.crt"), listener.resolve("tls.key"));
    try (var socket =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served =
          CompletableFuture.runAsync(
              () -> {
                try (var accepted = socket.accept()) {
                  accepted.getOutputStream().write("RFB 003.008\n".getBytes());
                  accepted.getOutputStream().flush();
                } catch (IOException e) {
                  // The client refused the certificate: nothing to serve.
                }
              });
      try (var client =
          (SSLSocket) PemTls.client(caCertificate).getSocketFactory().createSocket()) {
        SSLParameters tls = client.getSSLParameters();
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(tls);
        client.connect(
            new InetSocketAddress(InetAddress.getByName(address), socket.getLocalPort()));
        client.startHandshake();
        String line = new String(client.getInputStream().readNBytes(12)).trim();
        served.join();
        return line;
      }
    }
  }

  private static ObjectNode workload(Manifests manifests, String kind, String component) {
    return manifests.get(kind, PREFIX + component);
  }

  private static JsonNode container(ObjectNode workload, String list, String name) {
    for (JsonNode container : Manifests.podSpec(workload).path(list)) {
      if (container.path("name").asText().equals(name)) {
        return container;
      }
    }
    throw new AssertionError("no " + list + " " + name + " in " + workload.path("metadata"));
  }

  /** {@code secret:item,...} of the pod's volume {@code name} ({@code *}: every key). */
  private static String secretVolume(ObjectNode workload, String name) {
    for (JsonNode volume : Manifests.podSpec(workload).path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        JsonNode secret = volume.path("secret");
        List<String> items = new ArrayList<>();
        secret.path("items").forEach(i -> items.add(i.path("key").asText()));
        return secret.path("secretName").asText()
            + ":"
            + (items.isEmpty() ? "*" : String.join(",", items));
      }
    }
    return null;
  }

  private static List<String> mounts(JsonNode container) {
    List<String> names = new ArrayList<>();
    container.path("volumeMounts").forEach(m -> names.add(m.path("name").asText()));
    return names;
  }

  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  private static Map<String, String> configMap(Manifests manifests, String component) {
    Map<String, String> data = new HashMap<>();
    manifests
        .get("ConfigMap", PREFIX + component)
        .path("data")
        .properties()
        .forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    return data;
  }

  /** What Kubernetes mounts of a Secret: a file per key. */
  private static void write(ObjectNode secret, Path mount) throws IOException {
    for (var entry : secret.path("data").properties()) {
      Files.write(
          mount.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue().asText()));
    }
  }
}
