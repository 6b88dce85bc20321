package io.veneer.controlplane;

import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the Spring tests: one control plane on a real PostgreSQL, trusting {@link TestTokens}.
 * Every subclass gets the same configuration, hence the same cached context; tests keep apart by
 * using their own pools, users and hosts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(MovableClock.InContext.class)
public abstract class ControlPlaneSpringTest {

  /** The clock the control plane's time decisions read; a test that moves it puts it back. */
  protected static final MovableClock CLOCK = new MovableClock();

  private static final PostgresDatabase DB =
      TestPostgres.freshDatabase(ControlPlaneSpringTest.class);

  protected static final KafkaTopics TOPICS = TestKafka.freshTopics(ControlPlaneSpringTest.class);

  static {
    TOPICS.create(
        3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1", "veneer.quotas.v1");
  }

  /** The golden image service pools look their versions up in. */
  protected static final FakeGoldenImages GOLDEN_IMAGES = new FakeGoldenImages();

  @LocalServerPort protected int port;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", DB::jdbcUrl);
    registry.add("spring.datasource.username", DB::username);
    registry.add("spring.datasource.password", DB::password);
    registry.add("veneer.agents.grpc-port", () -> "0");
    registry.add("veneer.reconciler.interval-millis", () -> "200");
    registry.add("veneer.api.watch-access-check-interval", () -> "1s");
    registry.add("veneer.kafka.bootstrap-servers", TOPICS::bootstrapServers);
    registry.add("veneer.kafka.topic-prefix", TOPICS::prefix);
    registry.add("veneer.images.grpc-target", GOLDEN_IMAGES::target);
    registry.add("veneer.images.api-token", () -> FakeGoldenImages.API_TOKEN);
    for (String setting : TestTls.settings()) {
      String[] nameAndValue = setting.split("=", 2);
      registry.add(nameAndValue[0], () -> nameAndValue[1]);
    }
    // No discovery in tests: the decoder trusts the test key pair's public key directly.
    registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> "");
    registry.add(
        "spring.security.oauth2.resourceserver.jwt.public-key-location",
        TestTokens::publicKeyLocation);
  }
}
