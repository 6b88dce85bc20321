package io.veneer.portal.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The live updates' consumer takes Kafka's SASL/TLS settings from {@code veneer.kafka.properties.*}
 * as the control plane's clients do; a setting the portal makes itself is refused.
 */
class KafkaSettingsTest {

  private static KafkaSettings bound(Map<String, String> settings) {
    return new Binder(new MapConfigurationPropertySource(settings))
        .bind("veneer.kafka", KafkaSettings.class)
        .get();
  }

  @Test
  void saslAndTlsSettingsReachTheConsumersConfiguration() {
    KafkaSettings kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "kafka-1:9093",
                "veneer.kafka.properties.security.protocol", "SASL_SSL",
                "veneer.kafka.properties.sasl.mechanism", "SCRAM-SHA-512"));

    assertThat(kafka.clientConfig(Map.of("client.id", "veneer-portal")))
        .containsEntry("bootstrap.servers", "kafka-1:9093")
        .containsEntry("client.id", "veneer-portal")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }

  @Test
  void theEnvironmentVariablesTheHelmChartRendersBindByKafkasNames() {
    Map<String, Object> environment =
        Map.of(
            "VENEER_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9093",
            "VENEER_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
            "VENEER_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE", "PEM");
    KafkaSettings kafka =
        new Binder(
                ConfigurationPropertySources.from(
                    new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment)))
            .bind("veneer.kafka", KafkaSettings.class)
            .get();

    assertThat(kafka.properties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("security.protocol", "SASL_SSL", "ssl.truststore.type", "PEM"));
  }

  @Test
  void theLiveUpdatesConsumerIsBuiltWithThem() {
    KafkaSettings kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "127.0.0.1:9",
                "veneer.kafka.properties.security.protocol", "SSL",
                "veneer.kafka.properties.ssl.truststore.location", "/nonexistent/kafka-ca.p12"));
    EventStream stream = new EventStream(kafka, List.of());

    assertThatThrownBy(stream::start)
        .isInstanceOf(KafkaException.class)
        .rootCause()
        .hasMessageContaining("/nonexistent/kafka-ca.p12");
  }

  @Test
  void aSettingThePortalMakesItselfIsRefused() {
    KafkaSettings kafka =
        bound(
            Map.of(
                "veneer.kafka.bootstrap-servers", "127.0.0.1:9",
                "veneer.kafka.properties.enable.auto.commit", "true"));
    EventStream stream = new EventStream(kafka, List.of());

    assertThatThrownBy(stream::start)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "veneer.kafka.properties.enable.auto.commit is set by Veneer itself for this client;"
                + " remove it");
  }
}
