package io.veneer.portal.events;

import io.veneer.api.kafka.KafkaClientConfig;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the portal reads live events ({@code veneer.kafka.*}, as in the other services).
 *
 * @param bootstrapServers the brokers; empty turns live updates off (pages still load)
 * @param topicPrefix put before every topic name (tests give each class its own)
 * @param properties Kafka client settings passed as they are to the consumer (SASL, TLS), as in the
 *     control plane (default none)
 */
@ConfigurationProperties("veneer.kafka")
public record KafkaSettings(
    @DefaultValue("") String bootstrapServers,
    @DefaultValue("") String topicPrefix,
    @DefaultValue Map<String, String> properties) {

  /**
   * The consumer's configuration: {@code own} with the brokers and {@link #properties}, by {@link
   * KafkaClientConfig}.
   *
   * @throws IllegalArgumentException when {@link #properties} names a setting the portal sets
   *     itself
   */
  Map<String, Object> clientConfig(Map<String, Object> own) {
    return KafkaClientConfig.of(bootstrapServers, properties, own);
  }
}
