package io.veneer.outbox;

import io.veneer.api.kafka.KafkaClientConfig;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where events go ({@code veneer.kafka.*}).
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}; without it nothing is published and
 *     events wait in the outbox
 * @param topicPrefix prepended to every topic name, to share one cluster between deployments or
 *     test classes (default empty)
 * @param properties Kafka client settings passed as they are to every producer and consumer, e.g.
 *     {@code security.protocol=SASL_SSL}, {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code
 *     ssl.truststore.location} (default none)
 */
@ConfigurationProperties("veneer.kafka")
public record KafkaProperties(
    String bootstrapServers,
    @DefaultValue("") String topicPrefix,
    @DefaultValue Map<String, String> properties) {

  /**
   * A client's configuration: {@code own} (what Veneer sets for that client, bootstrap servers
   * included) with {@link #properties} added, by {@link KafkaClientConfig}.
   *
   * @throws IllegalArgumentException when {@link #properties} names a setting Veneer sets itself
   */
  public Map<String, Object> clientConfig(Map<String, Object> own) {
    return KafkaClientConfig.of(bootstrapServers, properties, own);
  }
}
