package io.veneer.testsupport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.testsupport.junit.RealKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@RealKafka
class RealKafkaTest {

  @Test
  void producesAndConsumesRecordsWithHeaders(KafkaTopics topics) throws Exception {
    String topic = topics.create(1, "veneer.desktops.v1").getFirst();

    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                topics.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 3; i++) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(topic, "desktop-1", "payload-" + i);
        record.headers().add("ce_id", ("event-" + i).getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
      }
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "real-kafka-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < 3 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertThat(received)
        .extracting(ConsumerRecord::value)
        .containsExactly("payload-0", "payload-1", "payload-2");
    assertThat(received)
        .extracting(
            r -> new String(r.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
        .containsExactly("event-0", "event-1", "event-2");
    assertThat(received).extracting(ConsumerRecord::key).containsOnly("desktop-1");
  }
}
