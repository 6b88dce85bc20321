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
    return start(0);
  }

  /**
   * A broker of its own that tells clients to reach it on the given port (where a {@link TcpProxy}
   * listens) instead of the port it is bound to.
   */
  static EmbeddedKafkaServer advertising(int advertisedPort) {
    return start(advertisedPort);
  }

  private static EmbeddedKafkaServer start(int advertisedPort) {
    EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
    if (advertisedPort > 0) {
      broker.brokerProperty("advertised.listeners", "EXTERNAL://localhost:" + advertisedPort);
    }
    broker.brokerProperties(
        Map.of(
            "auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            // The outbox relay's transactions: one partition of the transaction log is made in a
            // moment, where the default 50 held up the first transaction past a test's timeout.
            "transaction.state.log.num.partitions", "1"));
    broker.afterPropertiesSet();
    return new EmbeddedKafkaServer(broker);
  }

  /** The address the broker is bound to, which differs from the advertised one behind a proxy. */
  String boundBootstrapServers() {
    return broker.getBrokersAsString();
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
