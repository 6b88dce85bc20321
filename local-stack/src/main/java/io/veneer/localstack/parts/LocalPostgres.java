package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.LogFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real PostgreSQL 17 from the zonky binaries (no installation, no Docker), its data directory
 * kept between runs. Each service gets a database of its own, owned by the role {@code veneer}.
 */
public final class LocalPostgres {

  public static final String ROLE = "veneer";
  public static final String PASSWORD = "veneer";

  private final EmbeddedPostgres postgres;

  private LocalPostgres(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static LocalPostgres start(Path dataDirectory, int port, Path log, List<String> databases)
      throws StartupFailure, IOException {
    Optional<ProcessHandle> earlier = postmaster(dataDirectory);
    if (earlier.isPresent()) {
      throw new StartupFailure(
          "postgres",
          "a PostgreSQL of an earlier run (pid "
              + earlier.get().pid()
              + ") still runs on "
              + dataDirectory,
          "run ./veneer down, then ./veneer up again");
    }
    Files.createDirectories(log.getParent());
    EmbeddedPostgres postgres;
    try {
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDirectory)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("max_connections", "100")
              .setPGStartupWait(Duration.ofSeconds(90))
              // The launcher stops PostgreSQL itself, after the services that use it.
              .setRegisterShutdownHook(false)
              .setOutputRedirector(Redirect.appendTo(log.toFile()))
              .setErrorRedirector(Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException | RuntimeException e) {
      throw new StartupFailure(
          "postgres",
          "PostgreSQL did not start: " + e.getMessage(),
          "read the log below; a data directory from another PostgreSQL version or a damaged one"
              + " can be thrown away with rm -rf "
              + dataDirectory
              + " (its desktops and pools go with it)",
          log,
          LogFile.tail(log, 15));
    }
    LocalPostgres started = new LocalPostgres(postgres);
    try {
      started.createRoleAndDatabases(databases);
    } catch (SQLException e) {
      started.stop();
      throw new StartupFailure(
          "postgres",
          "cannot create the role and databases: " + e.getMessage(),
          "read the log below",
          log,
          LogFile.tail(log, 15));
    }
    return started;
  }

  /** The PostgreSQL server (postmaster) running on a data directory, from its pid file. */
  public static Optional<ProcessHandle> postmaster(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      return ProcessHandle.of(Long.parseLong(lines.getFirst().strip()))
          .filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public void stop() throws IOException {
    postgres.close();
  }

  private void createRoleAndDatabases(List<String> databases) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      if (!exists(statement, "SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
        statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
      }
      for (String database : databases) {
        if (!exists(statement, "SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
          statement.execute("CREATE DATABASE " + database + " OWNER " + ROLE);
        }
      }
    }
  }

  private static boolean exists(Statement statement, String query) throws SQLException {
    try (ResultSet rows = statement.executeQuery(query)) {
      return rows.next();
    }
  }
}
