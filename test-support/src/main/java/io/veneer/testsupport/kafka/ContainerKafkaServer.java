package io.veneer.testsupport.kafka;

import org.testcontainers.kafka.KafkaContainer;

/** Apache Kafka (KRaft) in a Testcontainers container, used where a Docker engine answers. */
public final class ContainerKafkaServer implements KafkaServer {

  private final KafkaContainer container;

  private ContainerKafkaServer(KafkaContainer container) {
    this.container = container;
  }

  public static ContainerKafkaServer start() {
    KafkaContainer container =
        new KafkaContainer("apache/kafka:4.2.0")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    container.start();
    return new ContainerKafkaServer(container);
  }

  @Override
  public String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public String kind() {
    return "container";
  }

  @Override
  public void stop() {
    container.stop();
  }
}
