package io.veneer.testsupport.kafka;

/** A real Kafka broker (KRaft) shared by the tests of one JVM. */
public sealed interface KafkaServer permits EmbeddedKafkaServer, ContainerKafkaServer {

  /** The {@code bootstrap.servers} value clients use. */
  String bootstrapServers();

  /** Where the broker runs, for test logs ("embedded" or "container"). */
  String kind();

  void stop();
}
