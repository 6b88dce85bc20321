package io.veneer.testsupport.junit;

import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;

/** Backs {@link RealPostgres}. */
public final class RealPostgresExtension extends PerClassResource<PostgresDatabase> {

  public RealPostgresExtension() {
    super(PostgresDatabase.class, TestPostgres::freshDatabase);
  }
}
