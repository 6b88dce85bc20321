package io.veneer.testsupport.kafka;

/**
 * A private Kafka broker that every client reaches through a {@link TcpProxy}, so a test can make
 * Kafka unreachable for a while ({@link #goAway()}) and bring it back ({@link #comeBack()}) with
 * its data intact. Slower to start than the shared broker: use it only for outage tests.
 */
public final class InterruptibleKafka implements AutoCloseable {

  private final TcpProxy proxy;
  private final EmbeddedKafkaServer broker;

  private InterruptibleKafka(TcpProxy proxy, EmbeddedKafkaServer broker) {
    this.proxy = proxy;
    this.broker = broker;
  }

  public static InterruptibleKafka start() {
    TcpProxy proxy = TcpProxy.onFreePort();
    proxy.restore();
    EmbeddedKafkaServer broker = EmbeddedKafkaServer.advertising(proxy.port());
    String bound = broker.boundBootstrapServers();
    proxy.forwardTo(Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1)));
    return new InterruptibleKafka(proxy, broker);
  }

  /** Clients' {@code bootstrap.servers}: the proxy. */
  public String bootstrapServers() {
    return "localhost:" + proxy.port();
  }

  /** Topics of a test on this broker. */
  public KafkaTopics topics(String prefix) {
    return new KafkaTopics(bootstrapServers(), prefix);
  }

  /** Kafka becomes unreachable: connections are cut and new ones refused. */
  public void goAway() {
    proxy.cut();
  }

  /**
   * Kafka still receives and carries out every request, but its answers are lost on the way back: a
   * producer cannot tell whether what it sent was written.
   */
  public void loseReplies() {
    proxy.loseReplies();
  }

  /** Kafka is reachable again, with everything it held, and its answers arrive. */
  public void comeBack() {
    proxy.restore();
  }

  @Override
  public void close() {
    proxy.close();
    broker.stop();
  }
}
