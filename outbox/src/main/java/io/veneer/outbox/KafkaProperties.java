package io.veneer.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where events go ({@code veneer.kafka.*}).
 *
 * @param bootstrapServers Kafka's {@code bootstrap.servers}; without it nothing is published and
 *     events wait in the outbox
 * @param topicPrefix prepended to every topic name, to share one cluster between deployments or
 *     test classes (default empty)
 */
@ConfigurationProperties("veneer.kafka")
public record KafkaProperties(String bootstrapServers, @DefaultValue("") String topicPrefix) {}
