package io.veneer.portal.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the portal reads live events ({@code veneer.kafka.*}, as in the other services).
 *
 * @param bootstrapServers the brokers; empty turns live updates off (pages still load)
 * @param topicPrefix put before every topic name (tests give each class its own)
 */
@ConfigurationProperties("veneer.kafka")
public record KafkaSettings(
    @DefaultValue("") String bootstrapServers, @DefaultValue("") String topicPrefix) {}
