package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.ChildProcess;
import io.veneer.localstack.process.LogFile;
import io.veneer.localstack.process.ProcessLauncher;
import io.veneer.testsupport.keycloak.KeycloakDistribution;
import io.veneer.testsupport.keycloak.KeycloakSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Keycloak 26 from its server distribution (the zip Maven put in the local repository, found by
 * test-support's {@link KeycloakSettings}) on 127.0.0.1, built once and started with {@code
 * bin/kc.sh start --optimized}, its H2 database in the state directory ({@code keycloak/}), so that
 * a warm start neither re-augments the server nor creates its schema and master realm again. The
 * zip is unpacked once into the cache TestKeycloak uses; the stack builds a copy of its own ({@code
 * ~/.cache/veneer/keycloak-<version>-local-stack}), because the tests' {@code start-dev} with other
 * build options would otherwise rebuild the shared home at every switch.
 */
public final class LocalKeycloak {

  /** Build-time options ({@code kc.sh build}), recorded beside the built copy. */
  private static final List<String> BUILD_OPTIONS =
      List.of("--db=dev-file", "--health-enabled=true");

  private static final String BUILT = ".veneer-built";

  private LocalKeycloak() {}

  /**
   * The stack's built server home (bin/kc.sh): the unpacked distribution copied and built with
   * {@link #BUILD_OPTIONS} on first use (about a minute, once per machine), under a lock.
   */
  public static Path home(KeycloakSettings settings, Path javaHome, Path log)
      throws StartupFailure {
    if (!Files.exists(settings.distribution())) {
      throw new StartupFailure(
          "keycloak",
          "its server distribution " + settings.distribution() + " is missing",
          "fetch it with ./mvnw -B -DskipTests -pl local-stack package (Maven downloads"
              + " org.keycloak:keycloak-quarkus-dist:zip), or set VENEER_KEYCLOAK_DIST to a zip or"
              + " an unpacked Keycloak "
              + settings.version());
    }
    Path unpacked = KeycloakDistribution.home(settings);
    Path built = settings.cacheDir().resolve("keycloak-" + settings.version() + "-local-stack");
    try {
      return KeycloakDistribution.whileLocked(
          built, () -> buildUnlessDone(unpacked, built, javaHome, log));
    } catch (UncheckedIOException e) {
      throw new StartupFailure(
          "keycloak",
          "could not build its server in " + built + ": " + e.getCause().getMessage(),
          "read the log below; deleting " + built + " makes the next up build it again",
          log,
          LogFile.tail(log, 20));
    }
  }

  private static Path buildUnlessDone(Path unpacked, Path built, Path javaHome, Path log) {
    String options = String.join(" ", BUILD_OPTIONS);
    try {
      Path marker = built.resolve(BUILT);
      if (Files.exists(marker) && Files.readString(marker).equals(options)) {
        return built;
      }
      Path scratch = built.resolveSibling(built.getFileName() + ".building");
      deleteRecursively(scratch);
      copyTree(unpacked, scratch);
      Files.deleteIfExists(scratch.resolve(".veneer-unpacked"));
      List<String> command =
          new ArrayList<>(List.of(scratch.resolve("bin/kc.sh").toString(), "build"));
      command.addAll(BUILD_OPTIONS);
      ProcessBuilder build =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      build.environment().put("JAVA_HOME", javaHome.toString());
      Process process = build.start();
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("kc.sh build " + options + " failed");
      }
      Files.writeString(scratch.resolve(BUILT), options);
      deleteRecursively(built);
      Files.move(scratch, built, StandardCopyOption.ATOMIC_MOVE);
      return built;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while building Keycloak"));
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
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
      Path data,
      List<String> archiveOptions,
      Path log)
      throws IOException {
    Files.createDirectories(workDirectory);
    Files.createDirectories(data);
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin/kc.sh").toString());
    command.addAll(List.of("start", "--optimized", "--http-enabled=true"));
    // One node: production mode's default cluster cache would first try, for about 20 s, to join
    // the peers a previous run left in the database's discovery table (it is killed, not drained).
    command.add("--cache=local");
    // dev-file's H2, in the state directory rather than the shared server home.
    command.add("--db-url=jdbc:h2:file:" + data.resolve("keycloakdb") + ";NON_KEYWORDS=VALUE");
    command.add("--http-host=127.0.0.1");
    command.add("--http-port=" + httpPort);
    command.add("--http-management-port=" + managementPort);
    command.add("--hostname=http://127.0.0.1:" + httpPort);
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("JAVA_HOME", javaHome.toString());
    environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
    environment.put(
        "JAVA_OPTS_APPEND",
        // C1 only, as the stack's other JVMs: on two cores C2's compiler threads compete with the
        // start itself; measured, it halves Keycloak's CPU seconds to ready (docs/benchmarks.md)
        // and its first password grant is no slower.
        "-XX:TieredStopAtLevel=1"
            + " -Djava.io.tmpdir="
            + workDirectory
            + " -Dquarkus.transaction-manager.object-store.directory="
            + workDirectory.resolve("transaction-logs")
            // Its own class-data sharing archive, as every JVM of the stack.
            + archiveOptions.stream().map(option -> " " + option).collect(Collectors.joining()));
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
