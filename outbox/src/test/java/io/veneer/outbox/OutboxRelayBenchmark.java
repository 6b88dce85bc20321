package io.veneer.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.testsupport.junit.RealKafka;
import io.veneer.testsupport.junit.RealPostgres;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How fast one relay drains a backlog of storm-like events (1,000 desktops, 10 events a
 * transaction) into Kafka: events per second, for a batch size. A figure, not an assertion: run it
 * with {@code -Doutbox.benchmark=true -Dtest=OutboxRelayBenchmark}; figures go to
 * docs/benchmarks.md with the machine's load.
 */
@RealPostgres
@RealKafka
@EnabledIfSystemProperty(named = "outbox.benchmark", matches = "true")
class OutboxRelayBenchmark {

  private static final int EVENTS = Integer.getInteger("outbox.benchmark.events", 20_000);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Outbox outbox;
  private final KafkaTopics topics;

  OutboxRelayBenchmark(PostgresDatabase database, KafkaTopics topics) {
    DataSource dataSource = database.dataSource();
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.outbox = new Outbox(jdbc);
    this.topics = topics;
  }

  @BeforeAll
  static void migrateAndCreateTheTopic(PostgresDatabase database, KafkaTopics topics) {
    Flyway.configure()
        .dataSource(database.dataSource())
        .locations(OutboxAutoConfiguration.MIGRATION_LOCATION)
        .load()
        .migrate();
    topics.create(6, "veneer.desktops.v1");
  }

  @ParameterizedTest(name = "batch size {0}")
  @ValueSource(ints = {500, 50})
  void drainsABacklog(int batchSize) {
    jdbc.update("DELETE FROM outbox_event");
    for (int first = 0; first < EVENTS; first += 10) {
      List<OutboxEvent> events = new ArrayList<>();
      for (int i = first; i < first + 10; i++) {
        events.add(OutboxRelayTest.event("desktop-" + (i % 1000), i));
      }
      transactions.executeWithoutResult(status -> outbox.appendAll(events));
    }
    OutboxProperties properties =
        new OutboxProperties(
            true,
            Duration.ofMillis(50),
            batchSize,
            Duration.ofSeconds(15),
            Duration.ofHours(1),
            Duration.ofSeconds(10));
    try (OutboxRelay relay = relay(properties)) {
      relay.publishBatch(); // the producer's first connection and, where any, the role's take-up
      long start = System.nanoTime();
      int published = 0;
      while (relay.pendingCount() > 0) {
        published += relay.publishBatch();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "outbox-relay-benchmark batchSize=%d events=%d seconds=%.2f eventsPerSecond=%.0f%n",
          batchSize, published, seconds, published / seconds);
      assertThat(relay.pendingCount()).isZero();
    }
  }

  private OutboxRelay relay(OutboxProperties properties) {
    return new OutboxRelay(
        jdbc,
        transactions,
        new KafkaProperties(topics.bootstrapServers(), topics.prefix(), Map.of()),
        "outbox-benchmark",
        properties);
  }
}
