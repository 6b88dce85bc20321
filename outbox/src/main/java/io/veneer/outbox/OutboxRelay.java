package io.veneer.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox events to Kafka, oldest first, and marks them published.
 *
 * <p>Every replica may run a relay; a PostgreSQL advisory lock taken inside each batch's
 * transaction lets only one publish at a time, which keeps the events of one key in order. A batch
 * is marked published only after Kafka acknowledged all of it.
 *
 * <p>While Kafka is away the relay keeps waiting for the batch it sent, inside its transaction, and
 * never sends it a second time: the idempotent producer retries it with the same sequence numbers,
 * which Kafka de-duplicates, so an event Kafka wrote but whose acknowledgement was lost is not
 * written twice. Only a relay that stops (or a producer error Kafka will not retry) gives up a
 * batch: its producer is then closed at once, dropping what it still held, and a new one sent the
 * batch again later, so delivery is at least once across a relay's stop or a replica's death.
 */
public class OutboxRelay implements SmartLifecycle, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** "veneer" followed by 1: the advisory lock key of the outbox relay. */
  static final long LOCK_KEY = 0x7665_6e65_6572_0001L;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration WAIT_SLICE = Duration.ofMillis(200);
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final Supplier<Producer<String, byte[]>> producers;
  private final String topicPrefix;
  private final OutboxProperties properties;

  // Guards producer and closed apart from the lifecycle's lock, which stop() holds while it waits.
  private final Object producerLock = new Object();
  private Producer<String, byte[]> producer;
  private ScheduledExecutorService executor;
  private volatile boolean running;
  private boolean closed;
  private int consecutiveFailures;
  private Instant nextPurge = Instant.EPOCH;

  public OutboxRelay(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      Supplier<Producer<String, byte[]>> producers,
      String topicPrefix,
      OutboxProperties properties) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.producers = producers;
    this.producer = producers.get();
    this.topicPrefix = topicPrefix;
    this.properties = properties;
  }

  /**
   * Publishes one batch of pending events.
   *
   * @return how many events were published; 0 when none were pending or another relay holds the
   *     lock
   * @throws OutboxPublishException when the batch was given up (the relay is not running and Kafka
   *     did not acknowledge it within the send timeout, or Kafka refused it); nothing is marked
   */
  public int publishBatch() {
    Integer published =
        transactions.execute(
            status -> {
              Boolean locked =
                  jdbc.queryForObject(
                      "SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY);
              if (!Boolean.TRUE.equals(locked)) {
                return 0;
              }
              List<PendingEvent> batch =
                  jdbc.query(
                      """
                      SELECT id, event_id, topic, record_key, event_type, source, data_schema,
                             payload, occurred_at
                      FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT ?
                      """,
                      OutboxRelay::pendingEvent,
                      properties.batchSize());
              if (batch.isEmpty()) {
                return 0;
              }
              send(batch);
              jdbc.update(
                  "UPDATE outbox_event SET published_at = now() WHERE id = ANY(?)",
                  (Object) batch.stream().map(PendingEvent::id).toArray(Long[]::new));
              return batch.size();
            });
    return published == null ? 0 : published;
  }

  /** Events committed but not yet acknowledged by Kafka. */
  public long pendingCount() {
    Long count =
        jdbc.queryForObject(
            "SELECT count(*) FROM outbox_event WHERE published_at IS NULL", Long.class);
    return count == null ? 0 : count;
  }

  private void send(List<PendingEvent> batch) {
    Producer<String, byte[]> sender = currentProducer();
    try {
      // Fails here, with nothing sent, when Kafka is away and a topic's partitions are unknown:
      // send() would block on them part-way through the batch.
      batch.stream()
          .map(event -> topicPrefix + event.topic())
          .distinct()
          .forEach(sender::partitionsFor);
    } catch (KafkaException e) {
      throw new OutboxPublishException("Kafka is away; " + batch.size() + " events wait", e);
    }
    List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(batch.size());
    try {
      for (PendingEvent event : batch) {
        acknowledgements.add(sender.send(record(event)));
      }
      awaitAll(acknowledgements);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw giveUp(sender, batch, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw giveUp(sender, batch, e);
    }
  }

  /**
   * Waits for every acknowledgement: as long as it takes while the relay runs (the producer retries
   * what Kafka has not acknowledged, and Kafka drops the copies it already wrote), for one send
   * timeout otherwise.
   */
  private void awaitAll(List<Future<RecordMetadata>> acknowledgements)
      throws InterruptedException, ExecutionException, TimeoutException {
    long waitingSince = System.nanoTime();
    long nextWarning = waitingSince + properties.sendTimeout().toNanos();
    for (Future<RecordMetadata> acknowledgement : acknowledgements) {
      while (true) {
        try {
          acknowledgement.get(WAIT_SLICE.toMillis(), TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException stillWaiting) {
          long now = System.nanoTime();
          if (now < nextWarning) {
            continue;
          }
          if (!running) {
            throw stillWaiting;
          }
          log.warn(
              "event=outbox-relay-waiting seconds={} events={} reason=\"Kafka has not"
                  + " acknowledged the batch; it is not sent twice, the producer retries it\"",
              Duration.ofNanos(now - waitingSince).toSeconds(),
              acknowledgements.size());
          nextWarning = now + properties.sendTimeout().toNanos();
        }
      }
    }
  }

  /**
   * Gives the batch up: its producer is closed at once, dropping what it still held, so that what
   * is sent again later is the only copy still on its way.
   */
  private OutboxPublishException giveUp(
      Producer<String, byte[]> sender, List<PendingEvent> batch, Exception cause) {
    sender.close(Duration.ZERO);
    replaceProducer(sender);
    return new OutboxPublishException(
        "Kafka did not acknowledge "
            + batch.size()
            + " outbox events; they stay pending and are sent again",
        cause);
  }

  private Producer<String, byte[]> currentProducer() {
    synchronized (producerLock) {
      return producer;
    }
  }

  private void replaceProducer(Producer<String, byte[]> discarded) {
    synchronized (producerLock) {
      if (producer == discarded && !closed) {
        producer = producers.get();
      }
    }
  }

  private ProducerRecord<String, byte[]> record(PendingEvent event) {
    RecordHeaders headers = new RecordHeaders();
    header(headers, "ce_specversion", "1.0");
    header(headers, "ce_id", event.eventId().toString());
    header(headers, "ce_type", event.type());
    header(headers, "ce_source", event.source());
    header(headers, "ce_time", DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()));
    header(headers, "ce_subject", event.key());
    header(headers, "ce_dataschema", "proto:" + event.dataSchema());
    header(headers, "content-type", "application/protobuf");
    return new ProducerRecord<>(
        topicPrefix + event.topic(), null, event.key(), event.payload(), headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static PendingEvent pendingEvent(ResultSet row, int index) throws SQLException {
    return new PendingEvent(
        row.getLong("id"),
        row.getObject("event_id", UUID.class),
        row.getString("topic"),
        row.getString("record_key"),
        row.getString("event_type"),
        row.getString("source"),
        row.getString("data_schema"),
        row.getBytes("payload"),
        row.getTimestamp("occurred_at").toInstant());
  }

  private record PendingEvent(
      long id,
      UUID eventId,
      String topic,
      String key,
      String type,
      String source,
      String dataSchema,
      byte[] payload,
      Instant occurredAt) {}

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("outbox-relay").daemon().unstarted(runnable));
    running = true;
    executor.schedule(this::cycle, 0, TimeUnit.MILLISECONDS);
  }

  private void cycle() {
    if (!running) {
      return;
    }
    Duration pause = properties.pollInterval();
    try {
      int published = publishBatch();
      if (consecutiveFailures > 0) {
        log.info("event=outbox-relay-recovered failures={}", consecutiveFailures);
        consecutiveFailures = 0;
      }
      if (published == properties.batchSize()) {
        pause = Duration.ZERO;
      }
      purgeWhenDue();
    } catch (RuntimeException e) {
      consecutiveFailures++;
      pause = backoff();
      if (consecutiveFailures == 1 || consecutiveFailures % 20 == 0) {
        log.warn(
            "event=outbox-relay-failed failures={} retryIn={} reason=\"{}\"",
            consecutiveFailures,
            pause,
            e.getMessage());
      }
    }
    if (running) {
      executor.schedule(this::cycle, pause.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Duration backoff() {
    long millis = properties.pollInterval().toMillis() << Math.min(consecutiveFailures, 10);
    return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
  }

  private void purgeWhenDue() {
    Instant now = Instant.now();
    if (now.isBefore(nextPurge)) {
      return;
    }
    nextPurge = now.plus(PURGE_INTERVAL);
    int purged =
        jdbc.update(
            "DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => ?)",
            (double) properties.retention().toSeconds());
    if (purged > 0) {
      log.debug("event=outbox-purged count={}", purged);
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    if (executor != null) {
      executor.shutdown();
      try {
        executor.awaitTermination(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Closes the producer, once the relay is stopped for good (the bean destroyed). Not in {@link
   * #stop()}: a stopped relay may be started again (a paused context restarted), and must find its
   * producer open.
   */
  @Override
  public void close() {
    stop();
    Producer<String, byte[]> last;
    synchronized (producerLock) {
      closed = true;
      last = producer;
    }
    last.close(Duration.ofSeconds(5));
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
