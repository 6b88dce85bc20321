package io.veneer.portal.testing;

import io.veneer.events.v1.DesktopEvent;
import io.veneer.portal.PortalApplication;
import io.veneer.portal.events.EventStream;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The portal of this test JVM, started once on a random port of 127.0.0.1, with its backends played
 * by in-test servers (OIDC provider, control plane, image service) and real Kafka from
 * test-support. Test classes share it and keep apart by using people and desktops of their own.
 */
public final class TestPortal {

  private final FakeOidcProvider oidc = new FakeOidcProvider();
  private final FakeControlPlane controlPlane = new FakeControlPlane();
  private final FakeImageService images = new FakeImageService();
  private final FakeConsoleListener consoles = new FakeConsoleListener();
  private final KafkaTopics topics = TestKafka.freshTopics(TestPortal.class);
  private volatile boolean stopped;
  private final ConfigurableApplicationContext context;
  private final KafkaProducer<String, byte[]> producer;
  private final URI baseUri;

  /** Which OpenID provider the portal logs people in with. */
  public record Login(String issuer, String clientId, String clientSecret) {}

  private TestPortal() {
    this(null, true);
  }

  private TestPortal(Login realLogin, boolean realmReady) {
    Login login =
        realLogin != null
            ? realLogin
            : new Login(oidc.issuer(), FakeOidcProvider.CLIENT_ID, FakeOidcProvider.CLIENT_SECRET);
    if (!realmReady) {
      oidc.realmNotReady();
    }
    controlPlane.signGrantsWith(consoles.signingKey());
    topics.create(
        1,
        "veneer.desktops.v1",
        "veneer.hosts.v1",
        "veneer.pools.v1",
        "veneer.images.v1",
        "veneer.quotas.v1");
    context =
        new SpringApplicationBuilder(PortalApplication.class)
            .run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--server.shutdown=immediate",
                "--spring.security.oauth2.client.provider.keycloak.issuer-uri=" + login.issuer(),
                "--spring.security.oauth2.client.registration.keycloak.client-id="
                    + login.clientId(),
                "--spring.security.oauth2.client.registration.keycloak.client-secret="
                    + login.clientSecret(),
                "--veneer.portal.control-plane-url=" + controlPlane.baseUri(),
                "--veneer.portal.image-service-url=" + images.baseUri(),
                "--veneer.portal.console-ca-file=" + consoles.caCertificate(),
                "--veneer.kafka.bootstrap-servers=" + topics.bootstrapServers(),
                "--veneer.kafka.topic-prefix=" + topics.prefix());
    baseUri =
        URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    try {
      if (!context.getBean(EventStream.class).awaitPositioned(Duration.ofSeconds(30))) {
        throw new IllegalStateException("The portal's event stream did not start reading Kafka");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, topics.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "test-portal-stop"));
  }

  public static TestPortal get() {
    return Holder.PORTAL;
  }

  /** A portal of its own that logs people in with a real provider (Keycloak); stop it after. */
  public static TestPortal loggingInWith(Login login) {
    return new TestPortal(login, true);
  }

  /**
   * A portal of its own started while its fake provider has no realm yet ({@link
   * FakeOidcProvider#realmReady} makes it answer); stop it after.
   */
  public static TestPortal startedBeforeItsIdentityProvider() {
    return new TestPortal(null, false);
  }

  private static final class Holder {
    private static final TestPortal PORTAL = new TestPortal();
  }

  public URI baseUri() {
    return baseUri;
  }

  public URI uri(String path) {
    return baseUri.resolve(path);
  }

  public FakeOidcProvider oidc() {
    return oidc;
  }

  public FakeControlPlane controlPlane() {
    return controlPlane;
  }

  /** The console listener of the agent of every desktop's host. */
  public FakeConsoleListener consoles() {
    return consoles;
  }

  public FakeImageService images() {
    return images;
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Publishes a desktop event as the control plane's outbox relay does (key = desktop id). */
  public void publish(DesktopEvent event) {
    send(
        topics.name("veneer.desktops.v1"), event.getHeader().getAggregateId(), event.toByteArray());
  }

  public void publish(String topic, String key, byte[] payload) {
    send(topics.name(topic), key, payload);
  }

  private void send(String topic, String key, byte[] payload) {
    try {
      producer.send(new ProducerRecord<>(topic, key, payload)).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not publish to " + topic, e);
    }
  }

  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    producer.close(Duration.ofSeconds(5));
    context.close();
    oidc.close();
    controlPlane.close();
    consoles.close();
    images.close();
  }
}
