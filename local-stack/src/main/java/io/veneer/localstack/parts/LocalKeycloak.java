package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.ChildProcess;
import io.veneer.localstack.process.LogFile;
import io.veneer.localstack.process.ProcessLauncher;
import io.veneer.testsupport.keycloak.KeycloakDistribution;
import io.veneer.testsupport.keycloak.KeycloakSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keycloak 26 from its server distribution (the zip Maven put in the local repository, found by
 * test-support's {@link KeycloakSettings}), run with {@code bin/kc.sh start-dev} on 127.0.0.1 with
 * an in-memory database: the realm is created again at every start. The zip is unpacked once into
 * the same cache directory TestKeycloak uses ({@code ~/.cache/veneer/keycloak-<version>}), under
 * the same lock, with the same build options, so tests and the stack share one rebuilt server.
 */
public final class LocalKeycloak {

  /** Build-time options identical to TestKeycloak's: no re-augmentation between the two. */
  private static final List<String> START_OPTIONS =
      List.of("start-dev", "--db=dev-mem", "--health-enabled=true");

  private LocalKeycloak() {}

  /** The unpacked server's home (bin/kc.sh), unpacked on first use as TestKeycloak does. */
  public static Path home(KeycloakSettings settings) throws StartupFailure {
    if (!Files.exists(settings.distribution())) {
      throw new StartupFailure(
          "keycloak",
          "its server distribution " + settings.distribution() + " is missing",
          "fetch it with ./mvnw -B -DskipTests -pl local-stack package (Maven downloads"
              + " org.keycloak:keycloak-quarkus-dist:zip), or set VENEER_KEYCLOAK_DIST to a zip or"
              + " an unpacked Keycloak "
              + settings.version());
    }
    return KeycloakDistribution.home(settings);
  }

  /**
   * Starts the server with the bootstrap administrator; the issuer is pinned to {@code
   * http://127.0.0.1:<httpPort>}, whichever name a client uses.
   */
  public static ChildProcess start(
      ProcessLauncher launcher,
      Path home,
      Path javaHome,
      int httpPort,
      int managementPort,
      String adminUsername,
      String adminPassword,
      Path workDirectory,
      Path log)
      throws IOException {
    Files.createDirectories(workDirectory);
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/kc.sh").toString());
    command.addAll(START_OPTIONS);
    command.add("--http-host=127.0.0.1");
    command.add("--http-port=" + httpPort);
    command.add("--http-management-port=" + managementPort);
    command.add("--hostname=http://127.0.0.1:" + httpPort);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("JAVA_HOME", javaHome.toString());
    environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    environment.put(
        "JAVA_OPTS_APPEND",
        "-Djava.io.tmpdir="
            + workDirectory
            + " -Dquarkus.transaction-manager.object-store.directory="
            + workDirectory.resolve("transaction-logs"));
    environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername);
    environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
    return launcher.start("keycloak", command, environment, log);
  }

  /** Waits for {@code /health/ready} on the management port. */
  public static void awaitReady(ChildProcess keycloak, int managementPort, Duration timeout)
      throws StartupFailure, InterruptedException {
    URI health = URI.create("http://127.0.0.1:" + managementPort + "/health/ready");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!keycloak.alive()) {
        String fix =
            LogFile.portInUse(keycloak.log())
                .map(
                    port ->
                        "port "
                            + port
                            + " is taken: stop what holds it, or move every port with"
                            + " VENEER_PORT_OFFSET=100 ./veneer up")
                .orElse("read the log below");
        throw new StartupFailure(
            "keycloak",
            "exited with code " + keycloak.exitCode() + " before it was ready",
            fix,
            keycloak.log(),
            LogFile.tail(keycloak.log(), 20));
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      if (System.nanoTime() > deadline) {
        throw new StartupFailure(
            "keycloak",
            "not ready after " + timeout.toSeconds() + " s (" + health + ")",
            "read the log below; on a busy machine, give it longer with"
                + " VENEER_START_TIMEOUT_SECONDS=600",
            keycloak.log(),
            LogFile.tail(keycloak.log(), 20));
      }
      Thread.sleep(250);
    }
  }
}
