package io.veneer.testsupport.postgres;

import io.veneer.testsupport.net.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server that a test can stop ({@link #stop()}) and start again ({@link
 * #start()}) on the same port and data directory, so clients that keep its JDBC URL find their rows
 * again. Stopping is PostgreSQL's fast shutdown: open connections are closed and new ones refused,
 * as when the real server goes away. Always the embedded binaries (never a container), and slower
 * to start than the shared server: use it only for outage tests.
 */
public final class RestartablePostgres implements AutoCloseable {

  private static final String USER = "postgres";

  private final int port;
  private final Path dataDirectory;
  private EmbeddedPostgres running;

  private RestartablePostgres(int port, Path dataDirectory) {
    this.port = port;
    this.dataDirectory = dataDirectory;
  }

  /** A new server on a free port with an empty data directory, running. */
  public static RestartablePostgres startNew() {
    try {
      RestartablePostgres server =
          new RestartablePostgres(FreePorts.next(), Files.createTempDirectory("restartable-pg-"));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not make a data directory for PostgreSQL", e);
    }
  }

  /** Creates an empty database whose name starts with the given hint. */
  public synchronized PostgresDatabase createDatabase(String nameHint) {
    if (running == null) {
      throw new IllegalStateException("PostgreSQL is stopped");
    }
    String name = Databases.uniqueName(nameHint);
    try {
      Databases.create(running.getPostgresDatabase().getConnection(), name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not connect to the restartable PostgreSQL", e);
    }
    return new PostgresDatabase(running.getJdbcUrl(USER, name), USER, "", name);
  }

  /** Starts the server on its port over its data directory; a no-op while it runs. */
  public synchronized void start() {
    if (running != null) {
      return;
    }
    try {
      running =
          EmbeddedPostgres.builder()
              .setPort(port)
              .setDataDirectory(dataDirectory)
              // Kept across stops; initdb runs only while the directory is still empty.
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start PostgreSQL on port " + port, e);
    }
  }

  /** Stops the server: its connections are closed and new ones refused until {@link #start()}. */
  public synchronized void stop() {
    if (running == null) {
      return;
    }
    try {
      running.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop PostgreSQL on port " + port, e);
    } finally {
      running = null;
    }
  }

  public synchronized boolean isRunning() {
    return running != null;
  }

  public int port() {
    return port;
  }

  /** Stops the server for good and deletes its data directory. */
  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> paths = Files.walk(dataDirectory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
