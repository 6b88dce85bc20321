package io.veneer.testsupport.keycloak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.keycloak.representations.AccessTokenResponse;
import org.keycloak.util.JsonSerialization;

/** Obtains real tokens from a realm's token endpoint, as a client application would. */
final class TokenEndpoint {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final URI uri;

  TokenEndpoint(URI uri) {
    this.uri = uri;
  }

  String password(ClientCredentials client, String username, String password) {
    Map<String, String> form = clientForm("password", client);
    form.put("username", username);
    form.put("password", password);
    return accessToken(form);
  }

  String clientCredentials(ClientCredentials client) {
    return accessToken(clientForm("client_credentials", client));
  }

  private static Map<String, String> clientForm(String grantType, ClientCredentials client) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", grantType);
    form.put("client_id", client.clientId());
    if (client.secret() != null) {
      form.put("client_secret", client.secret());
    }
    return form;
  }

  private String accessToken(Map<String, String> form) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "The "
                + form.get("grant_type")
                + " grant for "
                + form.get("client_id")
                + " at "
                + uri
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      return JsonSerialization.readValue(response.body(), AccessTokenResponse.class).getToken();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not reach " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while asking " + uri + " for a token", e);
    }
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream()
        .map(
            entry ->
                URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
