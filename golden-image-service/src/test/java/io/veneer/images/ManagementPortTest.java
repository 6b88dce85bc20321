package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The OpenAPI document and the actuator are served on the management port, never the public one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ManagementPortTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(ManagementPortTest.class, registry);
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/actuator",
        "/actuator/openapi",
        "/actuator/swagger-ui",
        "/v3/api-docs",
        "/swagger-ui.html",
        "/swagger-ui/index.html"
      })
  void thePublicPortServesNeitherTheActuatorNorTheApiDocument(String path) throws Exception {
    HttpResponse<String> response = get(port, path);

    assertThat(response.statusCode()).as("%s on the public port", path).isIn(401, 403, 404);
    assertThat(response.body()).doesNotContain("\"openapi\"", "<html", "_links");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/actuator/openapi", "/actuator/swagger-ui"})
  void theManagementPortServesTheApiDocument(String path) throws Exception {
    HttpResponse<String> response = get(managementPort, path);

    assertThat(response.statusCode()).as("%s on the management port", path).isEqualTo(200);
    assertThat(response.body()).containsAnyOf("\"openapi\"", "Swagger");
  }

  @Test
  void theManagementPortServesPrometheusMetricsWhereTheChartsServiceMonitorScrapesThem()
      throws Exception {
    get(port, "/livez"); // one request, so the HTTP server's own metric exists

    HttpResponse<String> response = get(managementPort, "/actuator/prometheus");

    assertThat(response.statusCode())
        .as("/actuator/prometheus on the management port")
        .isEqualTo(200);
    assertThat(response.body()).contains("jvm_memory_used_bytes", "http_server_requests_seconds");
    assertThat(get(port, "/actuator/prometheus").statusCode()).isIn(401, 403, 404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/livez", "/readyz"})
  void theProbesAnswerOnThePublicPort(String path) throws Exception {
    HttpResponse<String> response = get(port, path);

    assertThat(response.statusCode()).as(path).isEqualTo(200);
    assertThat(response.body()).contains("\"UP\"");
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
