package io.veneer.api.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * The one rule for a Kafka client's configuration in every service: what Veneer sets for that
 * client, the bootstrap servers, and the operator's {@code veneer.kafka.properties.*} (SASL, TLS)
 * as they are. Here rather than in the outbox module so that the web portal, which has no outbox
 * and no database, builds its consumer by the same rule.
 */
public final class KafkaClientConfig {

  private KafkaClientConfig() {}

  /**
   * {@code own} with {@code bootstrap.servers} and {@code properties} added.
   *
   * @throws IllegalArgumentException when {@code properties} names a setting Veneer sets itself,
   *     which it would otherwise silently override
   */
  public static Map<String, Object> of(
      String bootstrapServers, Map<String, String> properties, Map<String, Object> own) {
    Map<String, Object> config = new HashMap<>(own);
    config.put("bootstrap.servers", bootstrapServers);
    properties.forEach(
        (name, value) -> {
          if (config.containsKey(name)) {
            throw new IllegalArgumentException(
                "veneer.kafka.properties."
                    + name
                    + " is set by Veneer itself for this client; remove it"
                    + (name.equals("bootstrap.servers")
                        ? " and use veneer.kafka.bootstrap-servers"
                        : ""));
          }
          config.put(name, value);
        });
    return config;
  }
}
