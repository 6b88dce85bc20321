package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.ChildProcess;
import io.veneer.localstack.process.JavaCommand;
import io.veneer.localstack.process.LogFile;
import io.veneer.localstack.process.ProcessLauncher;
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

/**
 * One of Veneer's Spring Boot services run from its jar, as operators would run it: settings as
 * command-line properties, secrets in the environment (out of {@code ps}), output to its log. Ready
 * when its readiness probe says so.
 *
 * @param name the service, as in its log file's name
 * @param jar its executable jar
 * @param settings {@code --name=value} properties
 * @param environment variables, for secrets
 * @param readiness the URL of its readiness probe
 */
public record SpringService(
    String name,
    Path jar,
    Map<String, String> settings,
    Map<String, String> environment,
    URI readiness) {

  /**
   * Sized for a development machine with a few cores: C1 only and the serial collector start a
   * Spring Boot service noticeably faster there, and heaps stay small.
   */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:+ExitOnOutOfMemoryError");

  public ChildProcess start(ProcessLauncher launcher, JavaCommand java, Path log)
      throws StartupFailure, IOException {
    if (!Files.isRegularFile(jar)) {
      throw new StartupFailure(
          name,
          "its jar " + jar + " is missing",
          "build it: ./mvnw -B -q -DskipTests package (./veneer up does this when jars are missing)");
    }
    List<String> arguments = new ArrayList<>();
    settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
    return launcher.start(name, java.jar(name, jar, JVM_OPTIONS, arguments), environment, log);
  }

  /** Waits for the readiness probe; a service that exits first is explained from its log. */
  public void awaitReady(ChildProcess process, Duration timeout)
      throws StartupFailure, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.alive()) {
        throw exited(process);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        throw new StartupFailure(
            name,
            "not ready after " + timeout.toSeconds() + " s (" + readiness + ")",
            "read the log below; on a busy machine, give it longer with"
                + " VENEER_START_TIMEOUT_SECONDS=600",
            process.log(),
            LogFile.tail(process.log(), 20));
      }
      Thread.sleep(500);
    }
  }

  private StartupFailure exited(ChildProcess process) {
    Path log = process.log();
    String reason = "exited with code " + process.exitCode() + " before it was ready";
    String fix = "read the log below";
    var analysis = LogFile.springBootFailure(log);
    if (analysis.isPresent()) {
      reason = reason + ": " + analysis.get().description();
      fix = analysis.get().action();
    }
    var port = LogFile.portInUse(log);
    if (port.isPresent()) {
      fix =
          "port "
              + port.get()
              + " is taken: stop what holds it (ss -ltnp 'sport = :"
              + port.get()
              + "'), or move every port with VENEER_PORT_OFFSET=100 ./veneer up";
    }
    return new StartupFailure(name, reason, fix, log, LogFile.tail(log, 20));
  }
}
