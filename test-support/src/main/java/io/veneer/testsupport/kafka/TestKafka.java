package io.veneer.testsupport.kafka;

import io.veneer.testsupport.Docker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one Kafka broker of this test JVM: started on first use, stopped at JVM exit. Each test class
 * gets a topic prefix of its own.
 */
public final class TestKafka {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestKafka() {}

  public static KafkaServer server() {
    return Holder.SERVER;
  }

  /** Fresh topics (a unique prefix) for one test class. */
  public static KafkaTopics freshTopics(Class<?> testClass) {
    String prefix =
        "t" + SEQUENCE.incrementAndGet() + "-" + testClass.getSimpleName().toLowerCase() + ".";
    return new KafkaTopics(server().bootstrapServers(), prefix);
  }

  private static final class Holder {
    private static final KafkaServer SERVER = startWithShutdownHook();

    private static KafkaServer startWithShutdownHook() {
      KafkaServer server =
          Docker.useContainers() ? ContainerKafkaServer.start() : EmbeddedKafkaServer.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-kafka-stop"));
      return server;
    }
  }
}
