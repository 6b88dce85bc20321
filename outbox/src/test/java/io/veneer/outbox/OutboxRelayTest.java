package io.veneer.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.events.v1.DesktopEvent;
import io.veneer.events.v1.EventHeader;
import io.veneer.testsupport.junit.RealKafka;
import io.veneer.testsupport.junit.RealPostgres;
import io.veneer.testsupport.kafka.InterruptibleKafka;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.RestartablePostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

@RealPostgres
@RealKafka
class OutboxRelayTest {

  private static final Duration TAKEOVER = Duration.ofSeconds(1);

  private static final OutboxProperties PROPERTIES =
      new OutboxProperties(
          true, Duration.ofMillis(50), 500, Duration.ofSeconds(3), Duration.ZERO, TAKEOVER);

  private final DataSource dataSource;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Outbox outbox;
  private final KafkaTopics topics;
  private final List<OutboxRelay> relays = new ArrayList<>();

  OutboxRelayTest(PostgresDatabase database, KafkaTopics topics) {
    this.dataSource = database.dataSource();
    this.jdbc = new JdbcTemplate(dataSource);
    this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    this.outbox = new Outbox(jdbc);
    this.topics = topics;
  }

  @BeforeAll
  static void migrateAndCreateTheTopic(PostgresDatabase database, KafkaTopics topics) {
    migrate(database.dataSource());
    topics.create(3, "veneer.desktops.v1");
  }

  private static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations(OutboxAutoConfiguration.MIGRATION_LOCATION)
        .load()
        .migrate();
  }

  @BeforeEach
  void emptyOutbox() {
    jdbc.update("DELETE FROM outbox_event");
    jdbc.update("DELETE FROM outbox_relay_lease");
  }

  @AfterEach
  void stopRelays() {
    relays.forEach(OutboxRelay::close);
  }

  @Test
  void publishesCommittedEventsInOrderPerKeyWithCloudEventsHeaders() {
    String desktop = UUID.randomUUID().toString();
    List<UUID> ids = new ArrayList<>();
    for (int version = 1; version <= 5; version++) {
      OutboxEvent event = event(desktop, version);
      ids.add(event.eventId());
      transactions.executeWithoutResult(status -> outbox.append(event));
    }

    assertThat(relay(topics.bootstrapServers()).publishBatch()).isEqualTo(5);

    List<ConsumerRecord<String, byte[]>> records = consume(topics.bootstrapServers(), desktop, 5);
    assertThat(records)
        .extracting(r -> header(r, "ce_id"))
        .containsExactlyElementsOf(ids.stream().map(UUID::toString).toList());
    assertThat(records)
        .extracting(r -> parse(r).getHeader().getAggregateVersion())
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    ConsumerRecord<String, byte[]> first = records.getFirst();
    assertThat(header(first, "ce_specversion")).isEqualTo("1.0");
    assertThat(header(first, "ce_type")).isEqualTo("io.veneer.desktop.state-changed");
    assertThat(header(first, "ce_source")).isEqualTo("/control-plane");
    assertThat(header(first, "ce_subject")).isEqualTo(desktop);
    assertThat(header(first, "ce_dataschema")).isEqualTo("proto:veneer.events.v1.DesktopEvent");
    assertThat(header(first, "content-type")).isEqualTo("application/protobuf");
    assertThat(Instant.parse(header(first, "ce_time"))).isNotNull();
    assertThat(pending()).isZero();
  }

  @Test
  void aRelayStoppedAndStartedAgainKeepsPublishing() {
    String desktop = UUID.randomUUID().toString();
    OutboxRelay relay = relay(topics.bootstrapServers());
    relay.start();
    relay.stop();

    append(desktop, 1);
    relay.start();

    assertThat(consume(topics.bootstrapServers(), desktop, 1))
        .as("a paused Spring context, or any lifecycle restart, stops and starts it again")
        .singleElement()
        .satisfies(r -> assertThat(parse(r).getHeader().getAggregateVersion()).isEqualTo(1L));
  }

  @Test
  void eventsAppendedTogetherArePublishedInTheOrderGiven() {
    String desktop = UUID.randomUUID().toString();
    List<OutboxEvent> events =
        List.of(event(desktop, 1), event(desktop, 2), event(desktop, 3), event(desktop, 4));
    transactions.executeWithoutResult(status -> outbox.appendAll(events));

    assertThat(relay(topics.bootstrapServers()).publishBatch()).isEqualTo(4);
    assertThat(consume(topics.bootstrapServers(), desktop, 4))
        .extracting(r -> header(r, "ce_id"))
        .containsExactlyElementsOf(events.stream().map(e -> e.eventId().toString()).toList());
  }

  @Test
  void rolledBackTransactionLeavesNothingToPublish() {
    transactions.executeWithoutResult(
        status -> {
          outbox.append(event(UUID.randomUUID().toString(), 1));
          status.setRollbackOnly();
        });

    assertThat(pending()).isZero();
    assertThat(relay(topics.bootstrapServers()).publishBatch()).isZero();
  }

  @Test
  void refusesAnAppendOutsideATransaction() {
    assertThatThrownBy(() -> outbox.append(event("desktop-1", 1)))
        .isInstanceOf(IllegalTransactionStateException.class)
        .hasMessageContaining("inside the transaction");
  }

  @Test
  void eventsWaitWhileKafkaIsAwayAndArriveWhenItReturns() {
    try (InterruptibleKafka kafka = InterruptibleKafka.start()) {
      KafkaTopics outageTopics = kafka.topics(topics.prefix());
      outageTopics.create(3, "veneer.desktops.v1");
      OutboxRelay relay = relay(kafka.bootstrapServers());
      String desktop = UUID.randomUUID().toString();
      append(desktop, 1);
      assertThat(relay.publishBatch()).isEqualTo(1);

      kafka.goAway();
      append(desktop, 2);
      append(desktop, 3);
      assertThatThrownBy(relay::publishBatch).isInstanceOf(OutboxPublishException.class);
      assertThat(pending()).isEqualTo(2);

      kafka.comeBack();
      relay.start();
      List<ConsumerRecord<String, byte[]>> records =
          consume(kafka.bootstrapServers(), desktop, 3, Duration.ofSeconds(2));
      assertThat(records)
          .extracting(r -> parse(r).getHeader().getAggregateVersion())
          .containsExactly(1L, 2L, 3L);
      assertThat(pending()).isZero();
    }
  }

  @Test
  void eventsKafkaWroteButWhoseAcknowledgementsWereLostAreNotWrittenTwice() throws Exception {
    try (InterruptibleKafka kafka = InterruptibleKafka.start()) {
      KafkaTopics outageTopics = kafka.topics(topics.prefix());
      outageTopics.create(3, "veneer.desktops.v1");
      OutboxRelay relay = relay(kafka.bootstrapServers());
      String desktop = UUID.randomUUID().toString();
      append(desktop, 1);
      assertThat(relay.publishBatch()).isEqualTo(1);

      kafka.loseReplies();
      relay.start();
      append(desktop, 2);
      append(desktop, 3);
      // Past the send timeout (3 s) and the producer's request timeout: Kafka has written the
      // events and the relay has heard nothing.
      Thread.sleep(PROPERTIES.sendTimeout().plusSeconds(4).toMillis());
      assertThat(pending()).isEqualTo(2);

      kafka.comeBack();
      List<ConsumerRecord<String, byte[]>> records =
          consume(kafka.bootstrapServers(), desktop, 3, Duration.ofSeconds(3));
      assertThat(records)
          .extracting(r -> parse(r).getHeader().getAggregateVersion())
          .containsExactly(1L, 2L, 3L);
      assertThat(pending()).isZero();
    }
  }

  @Test
  void twoRelaysPublishEachEventOnce() throws Exception {
    String desktop = UUID.randomUUID().toString();
    for (int version = 1; version <= 200; version++) {
      append(desktop, version);
    }

    relay(topics.bootstrapServers()).start();
    relay(topics.bootstrapServers()).start();

    List<ConsumerRecord<String, byte[]>> records = consume(topics.bootstrapServers(), desktop, 200);
    assertThat(records)
        .extracting(r -> parse(r).getHeader().getAggregateVersion())
        .isSorted()
        .doesNotHaveDuplicates()
        .hasSize(200);
  }

  @Test
  void aBatchKafkaCommittedWhoseRelayDiedBeforeMarkingItIsNotSentAgainByTheRelayTakingOver()
      throws Exception {
    OutboxRelay dying = takenUp(relay(topics.bootstrapServers()));
    String desktop = UUID.randomUUID().toString();
    for (int version = 1; version <= 20; version++) {
      append(desktop, version);
    }
    StoppedBeforeTheMark stopped = stopBeforeTheMark(dying, dataSource);

    // Its replica dies: its connection with it, its transaction rolled back; Kafka has the batch.
    jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, stopped.relayBackend());
    stopped.release();
    assertThat(pending()).isEqualTo(20);

    relay(topics.bootstrapServers()).start();
    awaitNothingPending(jdbc);

    assertThat(consume(topics.bootstrapServers(), desktop, 20, Duration.ofSeconds(1)))
        .extracting(r -> parse(r).getHeader().getAggregateVersion())
        .as("each event once, though the database had not marked them when the relay died")
        .containsExactlyElementsOf(versions(20));
  }

  @Test
  void aBatchKafkaCommittedJustBeforePostgresWentAwayIsNotSentAgainOnceItIsBack() throws Exception {
    try (RestartablePostgres postgres = RestartablePostgres.startNew()) {
      PostgresDatabase database = postgres.createDatabase("outbox_outage");
      migrate(database.dataSource());
      DataSource ownDataSource = database.dataSource();
      JdbcTemplate ownJdbc = new JdbcTemplate(ownDataSource);
      TransactionTemplate ownTransactions =
          new TransactionTemplate(new DataSourceTransactionManager(ownDataSource));
      Outbox ownOutbox = new Outbox(ownJdbc);
      OutboxRelay relay = takenUp(relay(topics.bootstrapServers(), ownJdbc, ownTransactions));
      String desktop = UUID.randomUUID().toString();
      for (int version = 1; version <= 20; version++) {
        OutboxEvent event = event(desktop, version);
        ownTransactions.executeWithoutResult(status -> ownOutbox.append(event));
      }
      StoppedBeforeTheMark stopped = stopBeforeTheMark(relay, ownDataSource);

      postgres.stop();
      assertThat(stopped.batch()).failsWithin(Duration.ofSeconds(30));
      postgres.start();
      relay.start();
      awaitNothingPending(ownJdbc);

      assertThat(consume(topics.bootstrapServers(), desktop, 20, Duration.ofSeconds(1)))
          .extracting(r -> parse(r).getHeader().getAggregateVersion())
          .as("each event once, though PostgreSQL went away before the relay could mark them")
          .containsExactlyElementsOf(versions(20));
      relay.close();
    }
  }

  /**
   * The relay with its role taken up, on an empty outbox: a cluster's first transaction may take
   * longer than the test's send timeout (Kafka making its transaction log), which the relay's loop
   * would retry.
   */
  private static OutboxRelay takenUp(OutboxRelay relay) {
    for (int attempt = 1; ; attempt++) {
      try {
        relay.publishBatch();
        return relay;
      } catch (OutboxPublishException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * One batch of {@code relay}, stopped at the moment between Kafka's acknowledgement and the
   * database's mark: the test holds the pending rows locked, so the relay's UPDATE waits on them.
   */
  private static StoppedBeforeTheMark stopBeforeTheMark(OutboxRelay relay, DataSource dataSource)
      throws Exception {
    Connection rowLocks = dataSource.getConnection();
    rowLocks.setAutoCommit(false);
    try (Statement lock = rowLocks.createStatement()) {
      lock.execute("SELECT id FROM outbox_event FOR UPDATE");
    }
    CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(relay::publishBatch);
    JdbcTemplate watcher = new JdbcTemplate(dataSource);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !batch.isDone()) {
      List<Integer> waiting =
          watcher.queryForList(
              """
              SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE 'UPDATE outbox_event SET published_at%'
              """,
              Integer.class);
      if (!waiting.isEmpty()) {
        return new StoppedBeforeTheMark(rowLocks, batch, waiting.getFirst());
      }
      Thread.sleep(50);
    }
    rowLocks.close();
    throw new AssertionError(
        "The relay never came to mark its batch",
        batch.isCompletedExceptionally() ? batch.exceptionNow() : null);
  }

  private record StoppedBeforeTheMark(
      Connection rowLocks, CompletableFuture<Integer> batch, int relayBackend) {

    /** Once the relay's batch has failed: the rows are free again. */
    void release() throws SQLException {
      assertThat(batch).failsWithin(Duration.ofSeconds(30));
      rowLocks.rollback();
      rowLocks.close();
    }
  }

  private static void awaitNothingPending(JdbcTemplate jdbc) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (pending(jdbc) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(pending(jdbc)).isZero();
  }

  private static List<Long> versions(int count) {
    return LongStream.rangeClosed(1, count).boxed().toList();
  }

  private void append(String desktop, long version) {
    OutboxEvent event = event(desktop, version);
    transactions.executeWithoutResult(status -> outbox.append(event));
  }

  private OutboxRelay relay(String bootstrapServers) {
    return relay(bootstrapServers, jdbc, transactions);
  }

  /** A relay of the test's role, as every replica of one service runs. */
  private OutboxRelay relay(
      String bootstrapServers, JdbcTemplate jdbc, TransactionTemplate transactions) {
    OutboxRelay relay =
        new OutboxRelay(
            jdbc,
            transactions,
            new KafkaProperties(bootstrapServers, topics.prefix(), Map.of()),
            "outbox-test",
            PROPERTIES);
    relays.add(relay);
    return relay;
  }

  private long pending() {
    return pending(jdbc);
  }

  private static long pending(JdbcTemplate jdbc) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM outbox_event WHERE published_at IS NULL", Long.class);
  }

  /** A desktop's state change as the control plane appends it; the benchmark's events too. */
  static OutboxEvent event(String desktopId, long version) {
    UUID eventId = UUID.randomUUID();
    Instant now = Instant.now();
    DesktopEvent payload =
        DesktopEvent.newBuilder()
            .setHeader(
                EventHeader.newBuilder()
                    .setEventId(eventId.toString())
                    .setAggregateId(desktopId)
                    .setAggregateVersion(version))
            .setType("state-changed")
            .setToState("RUNNING")
            .build();
    return new OutboxEvent(
        eventId,
        "veneer.desktops.v1",
        desktopId,
        version,
        "io.veneer.desktop.state-changed",
        "/control-plane",
        payload,
        now);
  }

  /** Records of one key, read from the start of the test class's topic. */
  private List<ConsumerRecord<String, byte[]>> consume(String bootstrap, String key, int expected) {
    return consume(bootstrap, key, expected, Duration.ZERO);
  }

  /** The same, reading on for {@code linger} once they are there, to see what should not come. */
  private List<ConsumerRecord<String, byte[]>> consume(
      String bootstrap, String key, int expected, Duration linger) {
    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "outbox-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // What every consumer of Veneer's topics reads: transactions the relay committed.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topics.name("veneer.desktops.v1")));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < expected && System.nanoTime() < deadline) {
        collect(consumer.poll(Duration.ofMillis(200)), key, received);
      }
      if (!linger.isZero()) {
        collect(consumer.poll(linger), key, received);
      }
    }
    return received;
  }

  private static void collect(
      Iterable<ConsumerRecord<String, byte[]>> records,
      String key,
      List<ConsumerRecord<String, byte[]>> received) {
    for (ConsumerRecord<String, byte[]> record : records) {
      if (record.key().equals(key)) {
        received.add(record);
      }
    }
  }

  private static DesktopEvent parse(ConsumerRecord<String, byte[]> record) {
    try {
      return DesktopEvent.parseFrom(record.value());
    } catch (IOException e) {
      throw new AssertionError("Not a DesktopEvent: " + record, e);
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
