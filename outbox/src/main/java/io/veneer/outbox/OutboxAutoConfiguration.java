package io.veneer.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.api.Location;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox of a Spring Boot service: the {@link Outbox} bean, the table's migration added to
 * Flyway's locations, and a relay to Kafka when {@code veneer.kafka.bootstrap-servers} is set.
 */
@AutoConfiguration
@EnableConfigurationProperties({OutboxProperties.class, KafkaProperties.class})
public class OutboxAutoConfiguration {

  /** Flyway location of the outbox table's migration. */
  public static final String MIGRATION_LOCATION = "classpath:db/outbox";

  @Bean
  @ConditionalOnMissingBean
  Outbox outbox(DataSource dataSource) {
    return new Outbox(new JdbcTemplate(dataSource));
  }

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "veneer.kafka", name = "bootstrap-servers")
  @ConditionalOnProperty(
      prefix = "veneer.outbox.relay",
      name = "enabled",
      havingValue = "true",
      matchIfMissing = true)
  OutboxRelay outboxRelay(
      DataSource dataSource,
      PlatformTransactionManager transactionManager,
      KafkaProperties kafka,
      OutboxProperties properties) {
    return new OutboxRelay(
        new JdbcTemplate(dataSource),
        new TransactionTemplate(transactionManager),
        () -> producer(kafka, properties),
        kafka.topicPrefix(),
        properties);
  }

  /**
   * An idempotent producer that retries what Kafka has not acknowledged for as long as the relay
   * waits (no delivery timeout: giving a sent record up would have the relay send it again, a
   * second copy when Kafka had written the first), and fails fast where it has sent nothing yet (a
   * topic's partitions unknown while Kafka is away), so the relay can back off.
   */
  public static KafkaProducer<String, byte[]> producer(
      KafkaProperties kafka, OutboxProperties properties) {
    int timeoutMs = (int) properties.sendTimeout().toMillis();
    return new KafkaProducer<>(
        kafka.clientConfig(
            Map.of(
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                Math.min(timeoutMs, 5_000),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                Math.min(timeoutMs, 5_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Integer.MAX_VALUE,
                ProducerConfig.CLIENT_ID_CONFIG,
                "veneer-outbox-relay")),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(FlywayConfigurationCustomizer.class)
  static class OutboxMigration {

    @Bean
    FlywayConfigurationCustomizer outboxMigrationLocation() {
      return configuration ->
          configuration.locations(
              Stream.concat(
                      Stream.of(configuration.getLocations()).map(Location::getDescriptor),
                      Stream.of(MIGRATION_LOCATION))
                  .distinct()
                  .toArray(String[]::new));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterBinder.class)
  static class OutboxMetrics {

    @Bean
    @ConditionalOnBean(OutboxRelay.class)
    MeterBinder outboxLag(OutboxRelay relay) {
      return registry ->
          Gauge.builder("veneer.outbox.pending", relay, OutboxRelay::pendingCount)
              .description("Events committed but not yet acknowledged by Kafka (outbox lag)")
              .register(registry);
    }
  }
}
