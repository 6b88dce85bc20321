package io.veneer.controlplane.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.JpaSystemException;

/** Which failures mean "the database is out of reach, try again", and which do not. */
class DatabaseOutageTest {

  @Test
  void aRollbackOnAConnectionPostgresDroppedIsAnOutage() {
    // What a request saw when PostgreSQL shut down mid-transaction: the rollback failed on the
    // connection HikariCP had evicted, and hid the 57P01 it was rolling back from.
    var rollback =
        new JpaSystemException(
            new RuntimeException(
                "Unable to rollback against JDBC Connection",
                new SQLException("Connection is closed")));

    assertThat(DatabaseOutage.causedBy(rollback)).isTrue();
  }

  @Test
  void anAdministratorsShutdownOrALostConnectionIsAnOutage() {
    assertThat(DatabaseOutage.causedBy(new SQLException("terminating", "57P01"))).isTrue();
    assertThat(DatabaseOutage.causedBy(new SQLException("I/O error", "08006"))).isTrue();
  }

  @Test
  void aStatementTheDatabaseRefusedIsNot() {
    assertThat(DatabaseOutage.causedBy(new SQLException("duplicate key", "23505"))).isFalse();
    assertThat(DatabaseOutage.causedBy(new SQLException("some other failure"))).isFalse();
  }
}
