package io.veneer.controlplane;

import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A control plane of a test's own, outside Spring's shared test context: for settings the shared
 * one must not have (a short heartbeat grace) or a database that goes away. Every port is free,
 * tokens are {@link TestTokens}', TLS is {@link TestTls}'.
 */
public final class StandaloneControlPlane {

  private StandaloneControlPlane() {}

  /** Starts one on {@code db} and {@code topics}; {@code settings} are extra name=value pairs. */
  public static ConfigurableApplicationContext start(
      PostgresDatabase db, KafkaTopics topics, String... settings) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "spring.datasource.url=" + db.jdbcUrl(),
                "spring.datasource.username=" + db.username(),
                "spring.datasource.password=" + db.password(),
                "server.port=0",
                "veneer.agents.grpc-port=0",
                "veneer.api.grpc-port=0",
                "veneer.kafka.bootstrap-servers=" + topics.bootstrapServers(),
                "veneer.kafka.topic-prefix=" + topics.prefix(),
                "spring.security.oauth2.resourceserver.jwt.issuer-uri=",
                "spring.security.oauth2.resourceserver.jwt.public-key-location="
                    + TestTokens.publicKeyLocation()));
    arguments.addAll(TestTls.settings());
    // Command-line arguments outrank application.yaml, as a real deployment's settings would.
    arguments.addAll(List.of(settings));
    return new SpringApplicationBuilder(ControlPlaneApplication.class)
        .run(arguments.stream().map(setting -> "--" + setting).toArray(String[]::new));
  }

  /** The port its REST API listens on. */
  public static int restPort(ConfigurableApplicationContext controlPlane) {
    return ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
  }
}
