package io.veneer.images;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The real service on a random port, with a database, topics and a blob directory of its own. */
public final class ServiceUnderTest {

  public static final String AGENT_TOKEN = "test-agent-token";
  public static final String API_TOKEN = "test-api-token";

  /** What a gRPC client of the service sends: {@link #API_TOKEN} as its bearer token. */
  public static ClientInterceptor apiToken() {
    Metadata token = new Metadata();
    token.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + API_TOKEN);
    return MetadataUtils.newAttachHeadersInterceptor(token);
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The CA the gRPC listener's certificate is signed by: clients verify it with this. */
  public static final LocalCertificateAuthority CA = certificateAuthority();

  private final HttpClient http = HttpClient.newHttpClient();
  private final int port;

  public ServiceUnderTest(int port) {
    this.port = port;
  }

  /** Registers a fresh database, topics and storage directory for the test class. */
  public static KafkaTopics configure(Class<?> testClass, DynamicPropertyRegistry registry) {
    PostgresDatabase database = TestPostgres.freshDatabase(testClass);
    KafkaTopics topics = TestKafka.freshTopics(testClass);
    topics.create(1, "veneer.images.v1");
    Path storage;
    try {
      storage = Files.createTempDirectory("veneer-images-" + testClass.getSimpleName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::username);
    registry.add("spring.datasource.password", database::password);
    registry.add("veneer.kafka.bootstrap-servers", topics::bootstrapServers);
    registry.add("veneer.kafka.topic-prefix", topics::prefix);
    registry.add("veneer.images.storage-directory", storage::toString);
    registry.add("veneer.images.agent-token", () -> AGENT_TOKEN);
    registry.add("veneer.images.max-virtual-size", () -> "1GB");
    registry.add("veneer.images.grpc-port", () -> "0");
    registry.add("veneer.images.grpc-address", () -> "127.0.0.1");
    registry.add("veneer.images.api-token", () -> API_TOKEN);
    registry.add("veneer.images.grpc-tls.certificate-file", CA::serverCertificate);
    registry.add("veneer.images.grpc-tls.private-key-file", CA::serverKey);
    return topics;
  }

  /** A CA of its own, made in a new directory. */
  public static LocalCertificateAuthority certificateAuthority() {
    try {
      return new LocalCertificateAuthority(Files.createTempDirectory("veneer-images-tls")).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public UUID createImage(String name) {
    JsonNode image =
        json(
            send(
                post(
                    "/api/v1/images",
                    "{\"name\":\"" + name + "\",\"os\":\"debian-12\",\"description\":\"test\"}"),
                201));
    return UUID.fromString(image.path("id").asString());
  }

  public HttpResponse<String> upload(UUID image, Path file, String query) {
    try {
      return http.send(
          request("/api/v1/images/" + image + "/versions" + query)
              .header("Content-Type", "application/octet-stream")
              .POST(HttpRequest.BodyPublishers.ofFile(file))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A request; to the images API, with the API token (blobs want the agent token instead). */
  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path));
    return path.startsWith("/api/v1/images")
        ? builder.header("Authorization", "Bearer " + API_TOKEN)
        : builder;
  }

  public HttpRequest post(String path, String json) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  public String send(HttpRequest request, int expectedStatus) {
    HttpResponse<String> response = sendForString(request);
    if (response.statusCode() != expectedStatus) {
      throw new AssertionError(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + response.statusCode()
              + ", expected "
              + expectedStatus
              + ": "
              + response.body());
    }
    return response.body();
  }

  public HttpResponse<String> sendForString(HttpRequest request) {
    return sendWith(request, HttpResponse.BodyHandlers.ofString());
  }

  public <T> HttpResponse<T> sendWith(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(String body) {
    return JSON.readTree(body);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Records of the image topic with the given key, waiting until {@code expected} arrived. */
  public static List<ConsumerRecord<String, byte[]>> events(
      KafkaTopics topics, String key, int expected) {
    List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                topics.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // As every reader of Veneer's events: the outbox relay's committed transactions.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topics.name("veneer.images.v1")));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key().equals(key)) {
            received.add(record);
          }
        }
      }
    }
    return received;
  }
}
