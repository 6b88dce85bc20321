package io.veneer.localstack.api;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP to one of the stack's services, with a bearer token. */
public final class JsonApi {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;
  private final String bearerToken;

  public JsonApi(URI base, String bearerToken) {
    this.base = base;
    this.bearerToken = bearerToken;
  }

  public JsonNode get(String path) throws ApiException {
    return send(request(path).GET(), "GET " + path);
  }

  public JsonNode post(String path, Object body, Map<String, String> headers) throws ApiException {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    headers.forEach(request::header);
    return send(request, "POST " + path);
  }

  public JsonNode delete(String path) throws ApiException {
    return send(request(path).DELETE(), "DELETE " + path);
  }

  /** POST with the file as the raw body (image uploads); uploads may take a while. */
  public JsonNode postFile(String path, Path file) throws ApiException {
    try {
      return send(
          request(path)
              .timeout(Duration.ofMinutes(10))
              .header("Content-Type", "application/octet-stream")
              .POST(HttpRequest.BodyPublishers.ofFile(file)),
          "POST " + path);
    } catch (FileNotFoundException e) {
      throw new ApiException("Cannot read " + file + " to upload it", e);
    }
  }

  /** PUT with the file as the raw body (a version's kernel or initrd). */
  public JsonNode putFile(String path, Path file) throws ApiException {
    try {
      return send(
          request(path)
              .timeout(Duration.ofMinutes(10))
              .header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofFile(file)),
          "PUT " + path);
    } catch (FileNotFoundException e) {
      throw new ApiException("Cannot read " + file + " to upload it", e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(Duration.ofSeconds(60))
        .header("Accept", "application/json, application/problem+json")
        .header("Authorization", "Bearer " + bearerToken);
  }

  private JsonNode send(HttpRequest.Builder request, String what) throws ApiException {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ApiException(what + " to " + base + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(what + " was interrupted", e);
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() / 100 != 2) {
      String detail = body.path("detail").asString(response.body());
      throw new ApiException(
          what + " answered HTTP " + response.statusCode() + ": " + detail, response.statusCode());
    }
    return body;
  }

  private static JsonNode parse(String text) {
    if (text == null || text.isBlank()) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(text);
    } catch (JacksonException e) {
      return JSON.missingNode();
    }
  }
}
