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
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox events to Kafka, oldest first, each once, and marks them published.
 *
 * <p>Every replica may run a relay; one holds the relay role at a time ({@link RelayLease}, renewed
 * while it lives, taken over once it lapses), and a PostgreSQL advisory lock taken inside each
 * batch's transaction serialises the batches, which keeps the events of one key in order.
 *
 * <p>Each batch is one Kafka transaction of the role's transactional id ({@link RelayKafka}): the
 * events, then a position record naming them; then the batch is marked published in PostgreSQL.
 * Readers see a batch (read committed) only once Kafka committed it, so a batch given up before its
 * commit (Kafka away past the send timeout, a relay stopped or killed) is never seen and is sent
 * again. The one gap is a batch Kafka committed but the database never marked (PostgreSQL gone, the
 * replica killed): so a relay that takes the role up, or whose last batch failed, first initialises
 * a new producer (fencing every older one, and having Kafka finish what it left), reads the last
 * position back and marks those events published, in a transaction of its own, before it sends
 * anything. PostgreSQL stays the authority for what must be sent; Kafka only says what it already
 * has.
 */
public class OutboxRelay implements SmartLifecycle, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  /** "veneer" followed by 1: the advisory lock key of the outbox relay. */
  static final long LOCK_KEY = 0x7665_6e65_6572_0001L;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transactions;
  private final RelayKafka kafka;
  private final RelayLease lease;
  private final OutboxProperties properties;

  // Guards producer and closed apart from the lifecycle's lock, which stop() holds while it waits.
  private final Object producerLock = new Object();

  /**
   * The role's producer while this relay is sure that every transaction Kafka committed for the
   * role is marked in the database; null otherwise (not yet taken up, taken over, or a batch failed
   * part-way), and the next batch starts by taking the role up again.
   */
  private Producer<String, byte[]> producer;

  private ScheduledExecutorService executor;
  private volatile boolean running;
  private boolean closed;
  private int consecutiveFailures;
  private Instant nextPurge = Instant.EPOCH;

  /**
   * @param role the publishing service, e.g. {@code control-plane}: its replicas' relays share the
   *     role (one Kafka transactional id, one position topic, one lease)
   */
  public OutboxRelay(
      JdbcTemplate jdbc,
      TransactionTemplate transactions,
      KafkaProperties kafka,
      String role,
      OutboxProperties properties) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.kafka = new RelayKafka(kafka, properties, role);
    this.lease = new RelayLease(jdbc, UUID.randomUUID(), properties.takeoverAfter());
    this.properties = properties;
  }

  /**
   * Publishes one batch of pending events, first taking the role up when this relay has to.
   *
   * @return how many events were published; 0 when none were pending or another relay holds the
   *     role or the lock
   * @throws OutboxPublishException when the batch was given up (Kafka did not take it within the
   *     send timeout, or refused it); nothing of it is marked, and no reader sees it
   */
  public int publishBatch() {
    try {
      if (currentProducer() == null && asRoleHolder(this::takeUpRole) == null) {
        return 0;
      }
      Integer published = asRoleHolder(this::publishPending);
      return published == null ? 0 : published;
    } catch (RuntimeException e) {
      // Whether Kafka committed the batch is unknown: the next one starts by reading it back.
      dropProducer();
      throw e;
    }
  }

  /** Events committed but not yet acknowledged by Kafka. */
  public long pendingCount() {
    Long count =
        jdbc.queryForObject(
            "SELECT count(*) FROM outbox_event WHERE published_at IS NULL", Long.class);
    return count == null ? 0 : count;
  }

  /**
   * Runs {@code work} in a transaction holding the advisory lock and the role; null when another
   * relay holds either. Taking the role over drops this relay's producer: the previous holder may
   * have published what this relay has not read back.
   */
  private Integer asRoleHolder(Supplier<Integer> work) {
    return transactions.execute(
        status -> {
          Boolean locked =
              jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY);
          if (!Boolean.TRUE.equals(locked)) {
            return null;
          }
          return switch (lease.claim()) {
            case HELD_ELSEWHERE -> null;
            case TAKEN_OVER -> {
              dropProducer();
              yield work.get();
            }
            case HELD -> work.get();
          };
        });
  }

  /**
   * A new producer of the role, initialised (which fences every older one and has Kafka finish the
   * transaction it left), then the events of the role's last committed transaction marked
   * published, committed before anything is sent.
   */
  private Integer takeUpRole() {
    Producer<String, byte[]> fresh = kafka.producer();
    try {
      fresh.initTransactions();
      int marked = markPublished(kafka.lastPosition());
      if (marked > 0) {
        log.info(
            "event=outbox-relay-caught-up marked={} reason=\"Kafka had them; the database had not"
                + " marked them\"",
            marked);
      }
    } catch (RuntimeException e) {
      fresh.close(Duration.ZERO);
      throw e;
    }
    synchronized (producerLock) {
      if (closed) {
        fresh.close(Duration.ZERO);
        return null;
      }
      producer = fresh;
    }
    return 0;
  }

  private Integer publishPending() {
    Producer<String, byte[]> sender = currentProducer();
    if (sender == null) {
      return 0;
    }
    List<PendingEvent> batch =
        jdbc.query(
            """
            SELECT event_id, topic, record_key, event_type, source, data_schema, payload,
                   occurred_at
            FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT ?
            """,
            OutboxRelay::pendingEvent,
            properties.batchSize());
    if (batch.isEmpty()) {
      return 0;
    }
    List<UUID> eventIds = batch.stream().map(PendingEvent::eventId).toList();
    send(sender, batch, eventIds);
    markPublished(eventIds);
    return batch.size();
  }

  private int markPublished(List<UUID> eventIds) {
    if (eventIds.isEmpty()) {
      return 0;
    }
    return jdbc.update(
        "UPDATE outbox_event SET published_at = now()"
            + " WHERE event_id = ANY(?) AND published_at IS NULL",
        (Object) eventIds.toArray(UUID[]::new));
  }

  /** The batch and its position in one Kafka transaction, committed within the send timeout. */
  private void send(Producer<String, byte[]> sender, List<PendingEvent> batch, List<UUID> ids) {
    try {
      sender.beginTransaction();
      List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(batch.size() + 1);
      for (PendingEvent event : batch) {
        acknowledgements.add(sender.send(record(event)));
      }
      acknowledgements.add(sender.send(kafka.position(ids)));
      long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
      for (Future<RecordMetadata> acknowledgement : acknowledgements) {
        acknowledgement.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
      sender.commitTransaction();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw givenUp(batch, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      throw givenUp(batch, e);
    }
  }

  private static OutboxPublishException givenUp(List<PendingEvent> batch, Exception cause) {
    return new OutboxPublishException(
        "Kafka did not take "
            + batch.size()
            + " outbox events; they stay pending and are sent again (readers never see a"
            + " transaction that was not committed)",
        cause);
  }

  private Producer<String, byte[]> currentProducer() {
    synchronized (producerLock) {
      return producer;
    }
  }

  /** Closed at once: what it still held is never committed, so never read. */
  private void dropProducer() {
    Producer<String, byte[]> dropped;
    synchronized (producerLock) {
      dropped = producer;
      producer = null;
    }
    if (dropped != null) {
      dropped.close(Duration.ZERO);
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
        kafka.topic(event.topic()), null, event.key(), event.payload(), headers);
  }

  private static void header(RecordHeaders headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static PendingEvent pendingEvent(ResultSet row, int index) throws SQLException {
    return new PendingEvent(
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
        executor.awaitTermination(
            properties.sendTimeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      lease.release();
    } catch (DataAccessException e) {
      log.debug("event=outbox-relay-lease-kept reason=\"{}\"", e.getMessage());
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
      producer = null;
    }
    if (last != null) {
      last.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
