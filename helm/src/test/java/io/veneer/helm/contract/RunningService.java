package io.veneer.helm.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A service's jar started with exactly one environment, its output in a log file. */
final class RunningService implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;

  private RunningService(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * {@code java -jar <jar>} with the given variables and nothing else of this JVM's environment but
   * PATH (a container's image sets its own PATH too).
   */
  static RunningService start(ServiceJar jar, Map<String, String> environment, Path workDirectory)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = workDirectory.resolve(jar.module() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(List.of(java.toString(), "-jar", jar.path().toString()))
            .directory(workDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path);
    env.putAll(environment);
    return new RunningService(jar.module(), builder.start(), log);
  }

  /** Waits until GET of the path answers 200, the process dies, or the time is up. */
  int awaitStatus(int port, String path, Duration timeout) throws InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + port + path);
    Instant deadline = Instant.now().plus(timeout);
    int status = -1;
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      try {
        status =
            HTTP.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200) {
          return status;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(500);
    }
    return status;
  }

  /** The last lines of its output, for a failure message. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return name
          + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")")
          + ", last lines of "
          + log
          + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
