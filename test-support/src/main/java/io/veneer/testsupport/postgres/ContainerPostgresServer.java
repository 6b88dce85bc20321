package io.veneer.testsupport.postgres;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** PostgreSQL in a Testcontainers container, used where a Docker engine answers. */
public final class ContainerPostgresServer implements PostgresServer {

  private final PostgreSQLContainer container;

  private ContainerPostgresServer(PostgreSQLContainer container) {
    this.container = container;
  }

  public static ContainerPostgresServer start() {
    PostgreSQLContainer container =
        new PostgreSQLContainer("postgres:17-alpine")
            .withCommand("postgres -c max_connections=300");
    container.start();
    return new ContainerPostgresServer(container);
  }

  @Override
  public PostgresDatabase createDatabase(String nameHint) {
    String name = Databases.uniqueName(nameHint);
    try {
      Databases.create(
          DriverManager.getConnection(
              container.getJdbcUrl(), container.getUsername(), container.getPassword()),
          name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not connect to the PostgreSQL container", e);
    }
    String url =
        "jdbc:postgresql://"
            + container.getHost()
            + ":"
            + container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)
            + "/"
            + name;
    return new PostgresDatabase(url, container.getUsername(), container.getPassword(), name);
  }

  @Override
  public String kind() {
    return "container";
  }

  @Override
  public void stop() {
    container.stop();
  }
}
