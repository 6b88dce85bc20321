package io.veneer.testsupport.postgres;

import io.veneer.testsupport.Docker;

/**
 * The one PostgreSQL server of this test JVM: started on first use, stopped at JVM exit. Each test
 * class asks it for a database of its own, so classes never see each other's rows.
 */
public final class TestPostgres {

  private TestPostgres() {}

  public static PostgresServer server() {
    return Holder.SERVER;
  }

  /** A fresh, empty database for the given test class. */
  public static PostgresDatabase freshDatabase(Class<?> testClass) {
    return server().createDatabase(testClass.getSimpleName());
  }

  private static final class Holder {
    private static final PostgresServer SERVER = startWithShutdownHook();

    private static PostgresServer startWithShutdownHook() {
      PostgresServer server =
          Docker.useContainers() ? ContainerPostgresServer.start() : EmbeddedPostgresServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-postgres-stop"));
      return server;
    }
  }
}
