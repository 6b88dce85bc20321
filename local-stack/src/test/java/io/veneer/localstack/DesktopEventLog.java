package io.veneer.localstack;

import com.google.protobuf.InvalidProtocolBufferException;
import io.veneer.events.v1.DesktopEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything on {@code veneer.desktops.v1} so far, read from the beginning, as a consumer would.
 */
final class DesktopEventLog implements AutoCloseable {

  static final String TOPIC = "veneer.desktops.v1";

  /** One record: its CloudEvents id header, its key and its payload. */
  record Received(String ceId, String key, DesktopEvent event) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Received> received = new ArrayList<>();

  DesktopEventLog(String bootstrapServers) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                // As every reader of Veneer's events: the outbox relay's committed transactions.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"));
    List<TopicPartition> partitions =
        consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
            .map(info -> new TopicPartition(TOPIC, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** The events of one desktop so far, in the order Kafka holds them (its partition's order). */
  List<Received> of(String desktopId) throws InvalidProtocolBufferException {
    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
      var id = record.headers().lastHeader("ce_id");
      received.add(
          new Received(
              id == null ? "" : new String(id.value(), StandardCharsets.UTF_8),
              record.key(),
              DesktopEvent.parseFrom(record.value())));
    }
    return received.stream().filter(r -> desktopId.equals(r.key())).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
