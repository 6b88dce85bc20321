package io.veneer.testsupport.keycloak;

import java.net.URI;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Keycloak's official image in a Testcontainers container, used where a Docker engine answers. */
public final class ContainerKeycloakServer implements KeycloakServer {

  private static final int HTTP_PORT = 8080;
  private static final int MANAGEMENT_PORT = 9000;

  private final GenericContainer<?> container;

  private ContainerKeycloakServer(GenericContainer<?> container) {
    this.container = container;
  }

  public static ContainerKeycloakServer start(String version, Duration timeout) {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse("quay.io/keycloak/keycloak:" + version))
            .withEnv("KC_BOOTSTRAP_ADMIN_USERNAME", AdminCredentials.BOOTSTRAP.username())
            .withEnv("KC_BOOTSTRAP_ADMIN_PASSWORD", AdminCredentials.BOOTSTRAP.password())
            .withEnv("JAVA_OPTS_KC_HEAP", DistributionKeycloakServer.HEAP)
            .withCommand(DistributionKeycloakServer.START_OPTIONS.toArray(String[]::new))
            .withExposedPorts(HTTP_PORT, MANAGEMENT_PORT)
            .waitingFor(
                Wait.forHttp("/health/ready").forPort(MANAGEMENT_PORT).withStartupTimeout(timeout));
    container.start();
    return new ContainerKeycloakServer(container);
  }

  @Override
  public URI baseUrl() {
    return URI.create("http://" + container.getHost() + ":" + container.getMappedPort(HTTP_PORT));
  }

  @Override
  public AdminCredentials admin() {
    return AdminCredentials.BOOTSTRAP;
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
