package io.veneer.testsupport.keycloak;

import io.veneer.testsupport.net.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keycloak's own server distribution run as a child process on a JDK 21+, bound to 127.0.0.1, with
 * an in-memory database: every start is a blank server.
 */
public final class DistributionKeycloakServer implements KeycloakServer {

  /** Enough for a test server; Keycloak's script would otherwise size the heap from the host. */
  static final String HEAP = "-Xms64m -Xmx512m";

  /** Shared with the container so both servers behave alike. */
  static final List<String> START_OPTIONS =
      List.of("start-dev", "--db=dev-mem", "--health-enabled=true");

  /**
   * Runs Keycloak in the background and kills it when this JVM closes the script's stdin, which the
   * operating system does even when the test JVM is killed outright, so no server is orphaned.
   */
  private static final String WATCHDOG =
      "exec 3<&0; \"$@\" 3<&- & server=$!;"
          + " { cat <&3 >/dev/null; kill $server 2>/dev/null; } &"
          + " wait $server";

  private static final int LOG_TAIL_LINES = 60;

  private final Process process;
  private final URI baseUrl;
  private final Path runDirectory;

  private DistributionKeycloakServer(Process process, URI baseUrl, Path runDirectory) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.runDirectory = runDirectory;
  }

  public static DistributionKeycloakServer start(KeycloakSettings settings) {
    Path home = KeycloakDistribution.home(settings);
    Path javaHome = JavaHomes.forKeycloak(settings.javaHome());
    // The first start rebuilds the server inside its home directory: one JVM at a time.
    return KeycloakDistribution.whileLocked(
        home, () -> launchAndAwaitReady(home, javaHome, settings.startTimeout()));
  }

  private static DistributionKeycloakServer launchAndAwaitReady(
      Path home, Path javaHome, Duration timeout) {
    int httpPort = FreePorts.next();
    int managementPort = FreePorts.next();
    URI baseUrl = URI.create("http://127.0.0.1:" + httpPort);
    Path runDirectory = createRunDirectory();
    Path log = runDirectory.resolve("keycloak.log");

    List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "keycloak"));
    command.add(home.resolve("bin/kc.sh").toString());
    command.addAll(START_OPTIONS);
    command.addAll(
        List.of(
            "--http-host=127.0.0.1",
            "--http-port=" + httpPort,
            "--http-management-port=" + managementPort,
            // A fixed issuer, whichever host name a client uses to reach the server.
            "--hostname=" + baseUrl));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(runDirectory.toFile());
    Map<String, String> environment = builder.environment();
    environment.put("JAVA_HOME", javaHome.toString());
    environment.put("JAVA_OPTS_KC_HEAP", HEAP);
    environment.put(
        "JAVA_OPTS_APPEND",
        "-Djava.io.tmpdir="
            + runDirectory
            + " -Dquarkus.transaction-manager.object-store.directory="
            + runDirectory.resolve("transaction-logs"));
    environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", AdminCredentials.BOOTSTRAP.username());
    environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", AdminCredentials.BOOTSTRAP.password());

    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not run " + command, e);
    }
    DistributionKeycloakServer server =
        new DistributionKeycloakServer(process, baseUrl, runDirectory);
    try {
      awaitReady(
          process, URI.create("http://127.0.0.1:" + managementPort + "/health/ready"), timeout);
    } catch (RuntimeException e) {
      String tail = tail(log);
      server.terminate(); // keeps the run directory, and so the log named below
      throw new IllegalStateException(
          e.getMessage() + "; the last lines of " + log + ":\n" + tail, e);
    }
    return server;
  }

  private static void awaitReady(Process process, URI health, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Keycloak exited with status " + process.exitValue() + " before it was ready");
      }
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (ConnectException notListeningYet) {
        // Still starting.
      } catch (IOException e) {
        // A half-started server may drop the connection; ask again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
      }
      sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException("Keycloak was not ready within " + timeout);
  }

  @Override
  public URI baseUrl() {
    return baseUrl;
  }

  @Override
  public AdminCredentials admin() {
    return AdminCredentials.BOOTSTRAP;
  }

  @Override
  public String kind() {
    return "distribution";
  }

  @Override
  public void stop() {
    terminate();
    deleteQuietly(runDirectory);
  }

  /** Stops the script and the JVM it started, gracefully first. */
  private void terminate() {
    List<ProcessHandle> tree =
        Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception stillRunning) {
        handle.destroyForcibly();
      }
    }
  }

  private static Path createRunDirectory() {
    try {
      return Files.createTempDirectory("veneer-keycloak-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(could not read the log: " + e + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
    }
  }

  private static void deleteQuietly(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
