package io.veneer.loadtests.stack;

import io.veneer.testsupport.net.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One control-plane replica run from its jar as its own process, as an operator runs it: settings
 * as {@code --name=value} arguments, output to its log. Its own process, so that its memory and CPU
 * can be read from /proc apart from the load.
 */
public final class ControlPlaneProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private final int agentPort;

  private ControlPlaneProcess(
      String name, Process process, Path log, int httpPort, int managementPort, int agentPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.agentPort = agentPort;
  }

  /**
   * Starts the jar on free loopback ports with {@code settings} (beside its listeners).
   *
   * @param jvmOptions e.g. {@code -Xmx512m}
   */
  public static ControlPlaneProcess start(
      String name, Path jar, List<String> jvmOptions, Map<String, String> settings, Path logDir)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "The control plane's jar "
              + jar
              + " is missing: build it with ./mvnw -pl control-plane -am package -DskipTests");
    }
    int httpPort = FreePorts.next();
    int managementPort = FreePorts.next();
    int agentPort = FreePorts.next();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString()));
    command.add("--server.address=127.0.0.1");
    command.add("--server.port=" + httpPort);
    command.add("--management.server.address=127.0.0.1");
    command.add("--management.server.port=" + managementPort);
    command.add("--veneer.agents.grpc-address=127.0.0.1");
    command.add("--veneer.agents.grpc-port=" + agentPort);
    command.add("--veneer.api.grpc-port=-1");
    // Loopback only: the harness measures the control plane, so its agents dial in clear.
    command.add("--veneer.tls.plaintext=true");
    settings.forEach((key, value) -> command.add("--" + key + "=" + value));
    Path log = Files.createDirectories(logDir).resolve(name + ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ControlPlaneProcess(name, process, log, httpPort, managementPort, agentPort);
  }

  /** Waits for the readiness probe; a replica that exits first fails with its log's place. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI readiness = restBase().resolve("/readyz");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " not ready after " + timeout.toSeconds() + " s; see " + log);
      }
      Thread.sleep(250);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public URI restBase() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** The actuator (metrics) on its management port. */
  public URI managementBase() {
    return URI.create("http://127.0.0.1:" + managementPort);
  }

  /** The agent gateway's port on loopback. */
  public int agentPort() {
    return agentPort;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL (kill -9): no shutdown hook, no goodbye to its agents or its database sessions. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  public Path log() {
    return log;
  }

  /** SIGTERM, then SIGKILL after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
