package io.veneer.testsupport.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The topics of one test class: every name carries the class's own prefix, so classes sharing the
 * broker never read each other's records. Services under test take the prefix as their {@code
 * veneer.kafka.topic-prefix} setting.
 */
public record KafkaTopics(String bootstrapServers, String prefix) {

  /** The full name of a topic of this test class, e.g. {@code t3.veneer.desktops.v1}. */
  public String name(String topic) {
    return prefix + topic;
  }

  /** Creates the named topics (before prefixing) with the given partition count. */
  public List<String> create(int partitions, String... topics) {
    List<String> names = Arrays.stream(topics).map(this::name).toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics " + names, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create topics " + names, e);
    }
    return names;
  }

  /**
   * {@code key}'s records on {@code topic} (before prefixing), read from its start until {@code
   * enough} accepts what arrived or {@code patience} passes, then for {@code linger} more (to see
   * what should not come); in the order they arrived.
   */
  public List<ConsumerRecord<String, byte[]>> recordsOf(
      String topic,
      String key,
      Predicate<List<ConsumerRecord<String, byte[]>>> enough,
      Duration patience,
      Duration linger) {
    List<ConsumerRecord<String, byte[]>> values = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // As every reader of Veneer's events: the outbox relay's committed transactions.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(name(topic)));
      Instant deadline = Instant.now().plus(patience);
      while (!enough.test(values) && Instant.now().isBefore(deadline)) {
        collect(consumer.poll(Duration.ofMillis(250)), key, values);
      }
      if (!linger.isZero()) {
        collect(consumer.poll(linger), key, values);
      }
    }
    return values;
  }

  private static void collect(
      ConsumerRecords<String, byte[]> records,
      String key,
      List<ConsumerRecord<String, byte[]>> values) {
    records.forEach(
        record -> {
          if (key.equals(record.key())) {
            values.add(record);
          }
        });
  }
}
