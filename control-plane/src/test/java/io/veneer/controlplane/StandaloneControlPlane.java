package io.veneer.controlplane;

import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
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

  /**
   * Starts one on {@code db} and {@code topics}; {@code settings} are extra name=value pairs, and
   * one naming a setting given here replaces it.
   */
  public static ConfigurableApplicationContext start(
      PostgresDatabase db, KafkaTopics topics, String... settings) {
    return start(new Class<?>[] {ControlPlaneApplication.class}, db, topics, settings);
  }

  /**
   * As {@link #start}, with a {@link MovableClock} of its own as the control plane's clock (the
   * context's {@code Clock} bean, found with {@code getBean(Clock.class)}): for a test that moves
   * time and needs a database of its own. Not the shared context's clock, which would move that
   * context's time too while its reconciler runs beside this one.
   */
  public static ConfigurableApplicationContext startWithMovableClock(
      PostgresDatabase db, KafkaTopics topics, String... settings) {
    return start(
        new Class<?>[] {ControlPlaneApplication.class, MovableClock.OwnInContext.class},
        db,
        topics,
        settings);
  }

  private static ConfigurableApplicationContext start(
      Class<?>[] sources, PostgresDatabase db, KafkaTopics topics, String... settings) {
    Map<String, String> values = new LinkedHashMap<>();
    Stream.concat(
            Stream.of(
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
                    + TestTokens.publicKeyLocation()),
            Stream.concat(TestTls.settings().stream(), Stream.of(settings)))
        .forEach(
            setting -> {
              int equals = setting.indexOf('=');
              values.put(setting.substring(0, equals), setting.substring(equals + 1));
            });
    // Command-line arguments outrank application.yaml, as a real deployment's settings would; a
    // name given twice would reach Spring as both values joined by a comma.
    return new SpringApplicationBuilder(sources)
        .run(
            values.entrySet().stream()
                .map(setting -> "--" + setting.getKey() + "=" + setting.getValue())
                .toArray(String[]::new));
  }

  /** The port its REST API listens on. */
  public static int restPort(ConfigurableApplicationContext controlPlane) {
    return ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
  }
}
