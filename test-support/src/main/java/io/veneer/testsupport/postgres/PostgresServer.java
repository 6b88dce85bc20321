package io.veneer.testsupport.postgres;

/** A real PostgreSQL server that hands each test class a database of its own. */
public sealed interface PostgresServer permits EmbeddedPostgresServer, ContainerPostgresServer {

  /** Creates an empty database whose name starts with the given hint. */
  PostgresDatabase createDatabase(String nameHint);

  /** Where the server runs, for test logs ("embedded" or "container"). */
  String kind();

  void stop();
}
