package io.veneer.testsupport.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.testsupport.junit.RealPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealPostgres
class RealPostgresTest {

  @BeforeAll
  static void createQueue(PostgresDatabase database) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE work (id int PRIMARY KEY, taken_by text)");
      statement.execute("INSERT INTO work SELECT g, NULL FROM generate_series(1, 10) g");
    }
  }

  @Test
  void answersWithARealPostgresVersion(PostgresDatabase database) throws SQLException {
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("select version()")) {
      result.next();
      assertThat(result.getString(1)).startsWith("PostgreSQL 17");
    }
  }

  @Test
  void skipLockedLetsTwoWorkersTakeDisjointRows(PostgresDatabase database) throws SQLException {
    try (Connection first = database.connect();
        Connection second = database.connect()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);

      List<Integer> takenByFirst = takeThree(first);
      List<Integer> takenBySecond = takeThree(second);

      assertThat(takenByFirst).hasSize(3);
      assertThat(takenBySecond).hasSize(3).doesNotContainAnyElementsOf(takenByFirst);
      first.rollback();
      second.rollback();
    }
  }

  private static List<Integer> takeThree(Connection connection) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT id FROM work ORDER BY id LIMIT 3 FOR UPDATE SKIP LOCKED")) {
      while (rows.next()) {
        ids.add(rows.getInt(1));
      }
    }
    return ids;
  }
}
