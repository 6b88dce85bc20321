package io.veneer.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalManagementPort;

/**
 * Metrics and the OpenAPI document are served on the management port, never on the public one; the
 * probes answer on both.
 */
class ManagementPortTest extends ControlPlaneSpringTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @LocalManagementPort int managementPort;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/actuator/prometheus",
        "/actuator/openapi",
        "/actuator/swagger-ui",
        "/v3/api-docs",
        "/swagger-ui.html",
        "/swagger-ui/index.html"
      })
  void thePublicPortServesNeitherMetricsNorTheApiDocument(String path) throws Exception {
    HttpResponse<String> response = get(port, path);

    assertThat(response.statusCode()).as("%s on the public port", path).isIn(401, 403, 404);
    assertThat(response.body()).doesNotContain("veneer_", "\"openapi\"", "<html");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/actuator/prometheus", "/actuator/openapi", "/actuator/swagger-ui"})
  void theManagementPortServesThemWithoutAToken(String path) throws Exception {
    HttpResponse<String> response = get(managementPort, path);

    assertThat(response.statusCode()).as("%s on the management port", path).isEqualTo(200);
    assertThat(response.body()).containsAnyOf("veneer_agent_connections", "\"openapi\"", "Swagger");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/livez", "/readyz"})
  void theProbesAnswerOnThePublicPort(String path) throws Exception {
    HttpResponse<String> response = get(port, path);

    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(response.body()).contains("\"UP\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/actuator/health/liveness", "/actuator/health/readiness"})
  void theProbesAnswerOnTheManagementPort(String path) throws Exception {
    assertThat(get(managementPort, path).statusCode()).as(path).isEqualTo(200);
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
