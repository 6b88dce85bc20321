package io.veneer.loadtests.history;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The history's reader of Kafka: every record of the control plane's topics, from their beginning,
 * as {@link Fact.EventRead} (its CloudEvents {@code ce_id}); and, when asked, what the control
 * plane wrote to its outbox, as {@link Fact.EventWritten}, so the checker can match the two.
 */
public final class EventTap implements AutoCloseable {

  private static final Logger log = Logger.getLogger(EventTap.class.getName());

  private final KafkaConsumer<String, byte[]> consumer;
  private final History history;
  private final Thread reader;
  private volatile boolean caughtUp;

  private EventTap(KafkaConsumer<String, byte[]> consumer, History history) {
    this.consumer = consumer;
    this.history = history;
    this.reader = Thread.ofPlatform().name("history-event-tap").daemon().start(this::read);
  }

  /** Reads {@code topics} (full names) from {@code bootstrapServers} into the history. */
  public static EventTap start(String bootstrapServers, List<String> topics, History history) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                // As every reader of Veneer's events: the outbox relay's committed transactions
                // (read uncommitted, a batch the relay gave up and sent again would count twice).
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        topics.stream()
            .flatMap(
                topic ->
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())))
            .toList();
    // Assigned, not subscribed: no consumer group to drop out of while Kafka is away (60 s is past
    // a group's session), which started the reader again from the earliest offsets and recorded
    // every event read before the outage a second time.
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return new EventTap(consumer, history);
  }

  private void read() {
    try {
      while (true) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, byte[]> record : records) {
          Header id = record.headers().lastHeader("ce_id");
          history.record(
              new Fact.EventRead(
                  Instant.now(),
                  id == null ? "" : new String(id.value(), StandardCharsets.UTF_8),
                  record.key(),
                  record.topic(),
                  record.partition(),
                  record.offset()));
        }
        caughtUp = records.isEmpty() && caughtUp();
      }
    } catch (WakeupException closing) {
      // close() asked the reader to stop.
    } finally {
      consumer.close();
    }
  }

  /** Whether the reader holds a position at the end of every partition it was given. */
  private boolean caughtUp() {
    var assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    try {
      Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
      return assigned.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
    } catch (TimeoutException kafkaAway) {
      // Not caught up, and the reader must read on once Kafka is back (it died here before).
      return false;
    }
  }

  /**
   * Waits until the outbox has published everything and the reader has read to the end, then
   * records what the outbox holds written since {@code since} as {@link Fact.EventWritten}.
   *
   * @return whether it drained within {@code timeout}; the checker counts what was not read
   */
  public boolean drainAndRecordWritten(
      String jdbcUrl, String user, String password, Instant since, Duration timeout)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
      boolean drained = false;
      while (!drained && System.nanoTime() < deadline) {
        caughtUp = false;
        Thread.sleep(1000);
        drained = unpublished(db) == 0 && caughtUp;
      }
      if (!drained) {
        log.warning("event=history-events-not-drained timeoutSeconds=" + timeout.toSeconds());
      }
      try (PreparedStatement written =
          db.prepareStatement(
              "SELECT id, event_id, record_key, occurred_at FROM outbox_event"
                  + " WHERE occurred_at >= ? ORDER BY id")) {
        written.setTimestamp(1, Timestamp.from(since));
        try (ResultSet rows = written.executeQuery()) {
          while (rows.next()) {
            history.record(
                new Fact.EventWritten(
                    rows.getTimestamp("occurred_at").toInstant(),
                    rows.getString("event_id"),
                    rows.getString("record_key"),
                    rows.getLong("id")));
          }
        }
      }
      return drained;
    }
  }

  private static long unpublished(Connection db) throws SQLException {
    try (PreparedStatement count =
            db.prepareStatement("SELECT count(*) FROM outbox_event WHERE published_at IS NULL");
        ResultSet row = count.executeQuery()) {
      row.next();
      return row.getLong(1);
    }
  }

  @Override
  public void close() {
    consumer.wakeup();
    try {
      reader.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
