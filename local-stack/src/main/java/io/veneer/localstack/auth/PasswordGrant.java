package io.veneer.localstack.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An access token from Keycloak's token endpoint by the password grant of the public {@code
 * veneer-cli} client: what the printed curl does, and how the stack and its end-to-end test act as
 * a person.
 */
public final class PasswordGrant {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PasswordGrant() {}

  public static String accessToken(URI tokenEndpoint, String username, String password)
      throws IOException, InterruptedException {
    String form =
        Map.of(
                "grant_type",
                "password",
                "client_id",
                DemoRealm.CLI_CLIENT,
                "username",
                username,
                "password",
                password)
            .entrySet()
            .stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(tokenEndpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "The password grant for "
              + username
              + " at "
              + tokenEndpoint
              + " answered HTTP "
              + response.statusCode()
              + ": "
              + response.body());
    }
    JsonNode body = JSON.readTree(response.body());
    return body.path("access_token").asString();
  }
}
