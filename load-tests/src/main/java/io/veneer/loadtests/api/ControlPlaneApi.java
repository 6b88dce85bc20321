package io.veneer.loadtests.api;

import io.veneer.loadtests.fleet.HostCapacity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane's REST API (control-plane/README.md) as the harness uses it, read as plain JSON
 * trees: the harness never keeps its own copy of the control plane's types.
 */
public final class ControlPlaneApi {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
  private final URI base;
  private final Supplier<String> token;

  /**
   * @param base e.g. {@code http://127.0.0.1:8080}
   * @param token the caller's access token, asked for at every call (it may be refreshed)
   */
  public ControlPlaneApi(URI base, Supplier<String> token) {
    this.base = base;
    this.token = token;
  }

  public URI base() {
    return base;
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return send("POST", path, body);
  }

  /** Every item of a paged list ({@code items}, {@code nextCursor}), 500 a page. */
  public List<JsonNode> all(String path) {
    List<JsonNode> items = new ArrayList<>();
    String cursor = "";
    do {
      JsonNode page = get(path + "?limit=500" + (cursor.isEmpty() ? "" : "&cursor=" + cursor));
      page.path("items").forEach(items::add);
      cursor = page.path("nextCursor").asString("");
    } while (!cursor.isEmpty());
    return items;
  }

  /** Every host ({@code GET /api/v1/hosts} answers one list, not pages). */
  public List<JsonNode> hosts() {
    List<JsonNode> hosts = new ArrayList<>();
    get("/api/v1/hosts").forEach(hosts::add);
    return hosts;
  }

  public void registerHost(String hostId, HostCapacity capacity, String zone) {
    post(
        "/api/v1/hosts",
        Map.of(
            "hostId",
            hostId,
            "capacity",
            Map.of(
                "vcpus",
                capacity.vcpus(),
                "memoryMib",
                capacity.memoryMib(),
                "diskGib",
                capacity.diskGib()),
            "labels",
            Map.of(),
            "zone",
            zone));
  }

  public String issueAgentToken(String hostId) {
    return post("/api/v1/hosts/" + hostId + "/agent-token", Map.of()).path("agentToken").asString();
  }

  /**
   * An admin's request for a desktop of the pool on behalf of {@code owner}: the desktop. A retry
   * with the same {@code idempotencyKey} answers the same desktop.
   */
  public JsonNode requestDesktop(String poolId, String owner, String idempotencyKey) {
    return send(
        "POST",
        "/api/v1/desktops",
        Map.of("poolId", poolId, "owner", owner),
        Map.of("Idempotency-Key", idempotencyKey));
  }

  private JsonNode send(String method, String path, Object body) {
    return send(method, path, body, Map.of());
  }

  private JsonNode send(String method, String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
    headers.forEach(builder::header);
    HttpRequest request =
        builder
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token.get())
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + method + " " + path, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new ApiException(
          method + " " + path,
          response.statusCode(),
          response.body(),
          response
              .headers()
              .firstValue("Retry-After")
              .filter(seconds -> seconds.matches("\\d{1,4}"))
              .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)))
              .orElse(null));
    }
    return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }
}
