package io.veneer.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where the local stack keeps its state: one directory ({@code .veneer/} in the repository unless
 * {@code VENEER_STATE_DIR} says otherwise), kept between runs so that a second {@code up} resumes
 * where the first stopped. Delete it to start from nothing.
 *
 * <pre>
 * postgres/         PostgreSQL data directory      kafka/        Kafka log directory
 * images/           golden image blob store        agents/&lt;host&gt;/ node agent data (guests, cache)
 * secrets/          generated passwords and tokens  logs/         one log per process
 * tls/              the stack's CA and the certificate its gRPC listeners serve (owner-only)
 * run/              pid files, generated configuration and Keycloak's work directory of the
 *                   current run (Keycloak keeps its realm in memory: up creates it again)
 * </pre>
 */
public record StackLayout(Path root) {

  public StackLayout {
    root = root.toAbsolutePath().normalize();
  }

  public static StackLayout fromEnvironment(Map<String, String> env, Path workingDirectory) {
    String configured = env.getOrDefault("VENEER_STATE_DIR", "");
    return new StackLayout(
        configured.isBlank() ? workingDirectory.resolve(".veneer") : Path.of(configured));
  }

  public Path postgresData() {
    return root.resolve("postgres");
  }

  public Path kafkaData() {
    return root.resolve("kafka");
  }

  public Path images() {
    return root.resolve("images");
  }

  public Path agents() {
    return root.resolve("agents");
  }

  public Path agentData(String hostId) {
    return agents().resolve(hostId);
  }

  public Path secrets() {
    return root.resolve("secrets");
  }

  /** The local CA (LocalCertificateAuthority): made by up, owner-only. */
  public Path tls() {
    return root.resolve("tls");
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path log(String part) {
    return logs().resolve(part + ".log");
  }

  public Path run() {
    return root.resolve("run");
  }

  /** Keycloak's H2 database: realms, clients and users survive a restart. */
  public Path keycloakData() {
    return root.resolve("keycloak");
  }

  /** The JVMs' class-data sharing archives (see JavaCommand), kept between runs. */
  public Path sharedArchives() {
    return root.resolve("cds");
  }

  public Path launcherPid() {
    return run().resolve("launcher.pid");
  }

  public Path processes() {
    return run().resolve("processes");
  }

  /** A path relative to the working directory when it is inside it, for shorter messages. */
  public String show(Path path) {
    Path cwd = Path.of("").toAbsolutePath();
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
  }

  /** Creates the directories; secrets in one only the user can read. */
  public void create() throws IOException {
    for (Path dir :
        new Path[] {
          postgresData(), kafkaData(), images(), agents(), logs(), run(), sharedArchives()
        }) {
      Files.createDirectories(dir);
    }
    for (Path dir : new Path[] {secrets()}) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }
}
