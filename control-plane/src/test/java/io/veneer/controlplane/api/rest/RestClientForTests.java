package io.veneer.controlplane.api.rest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny HTTP client speaking JSON to the control plane with a bearer token. */
public final class RestClientForTests {

  public record Response(int status, JsonNode body, String contentType, HttpHeaders headers) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  public RestClientForTests(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public Response call(
      String method, String path, String token, String body, String idempotencyKey) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      return new Response(
          response.statusCode(),
          text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text),
          response.headers().firstValue("Content-Type").orElse(""),
          response.headers());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String token) {
    return call("GET", path, token, null, null);
  }

  public Response post(String path, String token, String body) {
    return call("POST", path, token, body, null);
  }

  public Response put(String path, String token, String body) {
    return call("PUT", path, token, body, null);
  }

  public Response delete(String path, String token) {
    return call("DELETE", path, token, null, null);
  }
}
