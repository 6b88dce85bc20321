package io.veneer.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.stream.Stream;
import javax.sql.DataSource;
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
import org.springframework.core.env.Environment;
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
      OutboxProperties properties,
      Environment environment) {
    String role = environment.getProperty("spring.application.name");
    if (role == null || role.isBlank()) {
      throw new IllegalStateException(
          "The outbox relay needs spring.application.name: it names the relay role that the"
              + " service's replicas share (Kafka transactional id, position topic)");
    }
    return new OutboxRelay(
        new JdbcTemplate(dataSource),
        new TransactionTemplate(transactionManager),
        kafka,
        role,
        properties);
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
