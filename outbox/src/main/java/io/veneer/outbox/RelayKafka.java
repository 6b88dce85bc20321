package io.veneer.outbox;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka side of one relay role (a service's outbox, published by any of its replicas): the
 * role's transactional producer and its position topic.
 *
 * <p>Every relay of a role shares one {@code transactional.id}, so a relay taking the role up
 * fences every producer before it and has Kafka finish the transaction it left (committed if its
 * commit had begun, aborted otherwise). Every transaction ends with a position record on the role's
 * compacted, one-partition position topic naming the events it published (their {@code ce_id}s):
 * the last committed one tells a relay taking the role up which events Kafka has, whatever the
 * database could mark before its predecessor died.
 */
final class RelayKafka {

  private static final int POSITION_PARTITION = 0;
  private static final int UUID_BYTES = 16;

  private final KafkaProperties kafka;
  private final OutboxProperties properties;
  private final String role;

  /**
   * @param role the publishing service (its {@code spring.application.name}); with the topic prefix
   *     it names the transactional id and the position topic, so each service's relays fence only
   *     each other
   */
  RelayKafka(KafkaProperties kafka, OutboxProperties properties, String role) {
    if (role == null || !role.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "The outbox relay's role (spring.application.name) must be letters, digits, '.', '_' or"
              + " '-', not "
              + role);
    }
    this.kafka = kafka;
    this.properties = properties;
    this.role = role;
  }

  String topic(String topic) {
    return kafka.topicPrefix() + topic;
  }

  String transactionalId() {
    return "veneer-outbox-relay." + kafka.topicPrefix() + role;
  }

  String positionTopic() {
    return topic("veneer.outbox-relay." + role);
  }

  /**
   * A producer of the role, not yet initialised. Its blocking calls (metadata, {@code
   * initTransactions}, {@code commitTransaction}) give up after the send timeout (at most 5 s), so
   * the relay can back off while Kafka is away; records it sent are retried as long as it lives.
   */
  Producer<String, byte[]> producer() {
    int timeoutMs = requestTimeoutMs();
    return new KafkaProducer<>(
        kafka.clientConfig(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId(),
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                timeoutMs,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                timeoutMs,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Integer.MAX_VALUE,
                ProducerConfig.CLIENT_ID_CONFIG,
                "veneer-outbox-relay")),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private int requestTimeoutMs() {
    return (int) Math.min(properties.sendTimeout().toMillis(), 5_000);
  }

  /** The record that ends a transaction: the ids of the events it publishes. */
  ProducerRecord<String, byte[]> position(List<UUID> eventIds) {
    ByteBuffer value = ByteBuffer.allocate(eventIds.size() * UUID_BYTES);
    for (UUID id : eventIds) {
      value.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }
    return new ProducerRecord<>(positionTopic(), POSITION_PARTITION, role, value.array());
  }

  /**
   * The events of the role's last committed transaction, empty when it has none. Read committed, to
   * the partition's last stable offset: call it after {@code initTransactions}, which has Kafka
   * finish the transaction a predecessor left open.
   */
  List<UUID> lastPosition() {
    createPositionTopic();
    TopicPartition partition = new TopicPartition(positionTopic(), POSITION_PARTITION);
    Duration timeout = properties.sendTimeout();
    try (Consumer<String, byte[]> consumer = positionReader()) {
      consumer.assign(List.of(partition));
      long first = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
      long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
      long deadline = System.nanoTime() + timeout.toNanos();
      // Transaction markers and aborted transactions take offsets too: look further back until a
      // committed record is found.
      for (long back = 16; ; back *= 2) {
        long from = Math.max(first, end - back);
        consumer.seek(partition, from);
        ConsumerRecord<String, byte[]> last = null;
        while (consumer.position(partition, timeout) < end) {
          if (System.nanoTime() > deadline) {
            throw new OutboxPublishException(
                "Kafka did not return the outbox relay's position within " + timeout, null);
          }
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.offset() < end) {
              last = record;
            }
          }
        }
        if (last != null) {
          return eventIds(last.value());
        }
        if (from == first) {
          return List.of();
        }
      }
    }
  }

  private static List<UUID> eventIds(byte[] value) {
    ByteBuffer buffer = ByteBuffer.wrap(value);
    List<UUID> ids = new ArrayList<>(value.length / UUID_BYTES);
    while (buffer.remaining() >= UUID_BYTES) {
      ids.add(new UUID(buffer.getLong(), buffer.getLong()));
    }
    return ids;
  }

  private Consumer<String, byte[]> positionReader() {
    return new KafkaConsumer<>(
        kafka.clientConfig(
            Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "veneer-outbox-relay-position",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false)),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Compacted: only the last position matters. One partition: "the last" is well defined. */
  private void createPositionTopic() {
    try (Admin admin =
        Admin.create(
            kafka.clientConfig(
                Map.of(
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "veneer-outbox-relay-admin",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    requestTimeoutMs(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    (int) properties.sendTimeout().toMillis())))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(positionTopic(), 1, (short) -1)
                      .configs(
                          Map.of(
                              TopicConfig.CLEANUP_POLICY_CONFIG,
                              TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all()
          .get(properties.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new OutboxPublishException(
            "Could not create the outbox relay's position topic " + positionTopic(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new OutboxPublishException(
          "Kafka did not answer the creation of " + positionTopic() + " in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboxPublishException("Interrupted creating " + positionTopic(), e);
    }
  }
}
