package io.veneer.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RestartablePostgresTest {

  private static RestartablePostgres server;

  @BeforeAll
  static void start() {
    server = RestartablePostgres.startNew();
  }

  @AfterAll
  static void close() {
    server.close();
  }

  @Test
  void refusesConnectionsWhileStoppedAndKeepsItsRowsAcrossARestart() throws SQLException {
    PostgresDatabase database = server.createDatabase("restart");
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
      statement.execute("INSERT INTO kept VALUES (1), (2), (3)");
    }
    Connection heldAcrossTheStop = database.connect();

    server.stop();

    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(database::connect).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> heldAcrossTheStop.createStatement().execute("SELECT 1"))
        .isInstanceOf(SQLException.class);
    heldAcrossTheStop.close();

    server.start();

    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT count(*) FROM kept")) {
      count.next();
      assertThat(count.getInt(1)).isEqualTo(3);
    }
  }
}
