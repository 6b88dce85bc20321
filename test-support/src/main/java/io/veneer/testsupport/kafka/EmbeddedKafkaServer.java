package io.veneer.testsupport.kafka;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** An in-process KRaft broker from Kafka's own test kit, through Spring Kafka's test module. */
public final class EmbeddedKafkaServer implements KafkaServer {

  private final EmbeddedKafkaKraftBroker broker;

  private EmbeddedKafkaServer(EmbeddedKafkaKraftBroker broker) {
    this.broker = broker;
  }

  public static EmbeddedKafkaServer start() {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    broker.brokerProperties(
        Map.of(
            "auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1"));
    broker.afterPropertiesSet();
    return new EmbeddedKafkaServer(broker);
  }

  @Override
  public String bootstrapServers() {
    return broker.getBrokersAsString();
  }

  @Override
  public String kind() {
    return "embedded";
  }

  @Override
  public void stop() {
    broker.destroy();
  }
}
