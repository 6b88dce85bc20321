package io.veneer.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Kafka's own client settings (SASL, TLS) pass through {@code veneer.kafka.properties.*} to every
 * client, as they are; a setting Veneer makes itself is refused rather than silently overridden.
 */
class KafkaPropertiesTest {

  private static KafkaProperties bound(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bind("veneer.kafka", KafkaProperties.class)
        .get();
  }

  @Test
  void saslAndTlsSettingsReachTheClientConfiguration() {
    KafkaProperties kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "kafka-1:9093",
                "veneer.kafka.properties.security.protocol", "SASL_SSL",
                "veneer.kafka.properties.sasl.mechanism", "SCRAM-SHA-512",
                "veneer.kafka.properties.ssl.truststore.location", "/etc/veneer/kafka-ca.p12"));

    assertThat(kafka.clientConfig(Map.of("client.id", "relay")))
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("client.id", "relay")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.location", "/etc/veneer/kafka-ca.p12");
  }

  @Test
  void theOutboxProducerIsBuiltWithThem() {
    KafkaProperties kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "127.0.0.1:9",
                "veneer.kafka.properties.security.protocol", "SSL",
                "veneer.kafka.properties.ssl.truststore.location", "/nonexistent/kafka-ca.p12"));
    OutboxProperties outbox =
        new OutboxProperties(
            true,
            Duration.ofMillis(50),
            500,
            Duration.ofSeconds(3),
            Duration.ZERO,
            Duration.ofSeconds(1));

    assertThatThrownBy(() -> new RelayKafka(kafka, outbox, "control-plane").producer().close())
        .isInstanceOf(KafkaException.class)
        .rootCause()
        .hasMessageContaining("/nonexistent/kafka-ca.p12");
  }

  @Test
  void aSettingVeneerMakesItselfIsRefused() {
    KafkaProperties kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "kafka-1:9093",
                "veneer.kafka.properties.acks", "0"));

    assertThatThrownBy(() -> kafka.clientConfig(Map.of("acks", "all")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "veneer.kafka.properties.acks is set by Veneer itself for this client; remove it");
  }
}
