package io.veneer.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.veneer.testsupport.junit.RealKafka;
import io.veneer.testsupport.junit.RealPostgres;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Two test classes run side by side must not see each other's rows or topics. */
class IsolationTest {

  private static final Map<String, String> DATABASES = new ConcurrentHashMap<>();
  private static final Map<String, String> PREFIXES = new ConcurrentHashMap<>();
  private static final Map<String, Integer> ROWS_SEEN = new ConcurrentHashMap<>();

  @Test
  void twoTestClassesGetTheirOwnDatabaseAndTopics() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(FirstClass.class), selectClass(SecondClass.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.succeeded(2).failed(0));

    assertThat(DATABASES.get("first")).isNotEqualTo(DATABASES.get("second"));
    assertThat(PREFIXES.get("first")).isNotEqualTo(PREFIXES.get("second"));
    assertThat(ROWS_SEEN).containsEntry("first", 1).containsEntry("second", 1);
  }

  /** Both classes create the same table and each sees only its own row. */
  static void writeAndCount(String who, PostgresDatabase database, KafkaTopics topics)
      throws SQLException {
    DATABASES.put(who, database.name());
    PREFIXES.put(who, topics.prefix());
    try (Connection connection = database.connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS marker (who text)");
      statement.execute("INSERT INTO marker VALUES ('" + who + "')");
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM marker")) {
        rows.next();
        ROWS_SEEN.put(who, rows.getInt(1));
      }
    }
  }

  @RealPostgres
  @RealKafka
  static class FirstClass {
    @Test
    void writes(PostgresDatabase database, KafkaTopics topics) throws SQLException {
      writeAndCount("first", database, topics);
    }
  }

  @RealPostgres
  @RealKafka
  static class SecondClass {
    @Test
    void writes(PostgresDatabase database, KafkaTopics topics) throws SQLException {
      writeAndCount("second", database, topics);
    }
  }
}
