package io.veneer.testsupport.keycloak;

import io.veneer.testsupport.Docker;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Keycloak server of this test JVM: started on first use, stopped at JVM exit, with a realm
 * named {@code veneer} created at start. Test classes that change people or groups another class
 * may look at take a {@link #freshRealm realm of their own} instead. See test-support's README for
 * how the server is obtained and the settings in {@link KeycloakSettings}.
 */
public final class TestKeycloak {

  public static final String REALM = "veneer";

  private static final Logger LOG = LoggerFactory.getLogger(TestKeycloak.class);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private TestKeycloak() {}

  /** The shared {@value #REALM} realm. */
  public static VeneerRealm get() {
    return Holder.VENEER;
  }

  public static KeycloakServer server() {
    return Holder.SERVER;
  }

  /** A new realm set up like {@value #REALM}, named after the test class. */
  public static VeneerRealm freshRealm(Class<?> testClass) {
    // The random part keeps JVMs sharing one external Keycloak apart.
    String name =
        "veneer-t"
            + SEQUENCE.incrementAndGet()
            + "-"
            + UUID.randomUUID().toString().substring(0, 8)
            + "-"
            + testClass.getSimpleName().toLowerCase(Locale.ROOT);
    return VeneerRealm.createOrReuse(Holder.SERVER, Holder.ADMIN, name);
  }

  private static final class Holder {
    private static final KeycloakServer SERVER = startWithShutdownHook();
    private static final Keycloak ADMIN = adminClient(SERVER);
    private static final VeneerRealm VENEER = VeneerRealm.createOrReuse(SERVER, ADMIN, REALM);

    private static KeycloakServer startWithShutdownHook() {
      KeycloakSettings settings = KeycloakSettings.load();
      long started = System.nanoTime();
      KeycloakServer server;
      if (settings.url().isPresent()) {
        server = new ExternalKeycloakServer(settings.url().get(), settings.admin());
      } else if (Docker.useContainers()) {
        server = ContainerKeycloakServer.start(settings.version(), settings.startTimeout());
      } else {
        server = DistributionKeycloakServer.start(settings);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "test-keycloak-stop"));
      // The first start on a machine unpacks and rebuilds the server: worth seeing in test logs.
      LOG.info(
          "Keycloak ({}) ready at {} after {} ms",
          server.kind(),
          server.baseUrl(),
          Duration.ofNanos(System.nanoTime() - started).toMillis());
      return server;
    }

    private static Keycloak adminClient(KeycloakServer server) {
      Keycloak admin =
          KeycloakBuilder.builder()
              .serverUrl(server.baseUrl().toString())
              .realm("master")
              .clientId("admin-cli")
              .username(server.admin().username())
              .password(server.admin().password())
              .build();
      Runtime.getRuntime().addShutdownHook(new Thread(admin::close, "test-keycloak-admin-close"));
      return admin;
    }
  }
}
