package io.veneer.testsupport.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;

/** PostgreSQL started from the zonky binaries as a child process of the test JVM. */
public final class EmbeddedPostgresServer implements PostgresServer {

  private static final String USER = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgresServer start() {
    try {
      return new EmbeddedPostgresServer(
          EmbeddedPostgres.builder()
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL server", e);
    }
  }

  @Override
  public PostgresDatabase createDatabase(String nameHint) {
    String name = Databases.uniqueName(nameHint);
    try {
      Databases.create(postgres.getPostgresDatabase().getConnection(), name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not connect to the embedded PostgreSQL server", e);
    }
    return new PostgresDatabase(postgres.getJdbcUrl(USER, name), USER, "", name);
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public void stop() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
