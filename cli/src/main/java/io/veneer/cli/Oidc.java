package io.veneer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OIDC grants the CLI uses against an issuer (Keycloak): discovery, the device authorization
 * grant (RFC 8628) for people, the password grant for the local stack, and refreshing.
 */
final class Oidc {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** The issuer's endpoints, from its discovery document. */
  record Endpoints(String token, String deviceAuthorization) {}

  Endpoints discover(String issuer) {
    JsonNode document =
        send(
            HttpRequest.newBuilder(
                    URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration"))
                .GET()
                .build(),
            "Reading the issuer's discovery document");
    return new Endpoints(
        document.path("token_endpoint").asText(),
        document.path("device_authorization_endpoint").asText(""));
  }

  TokenResponse password(String tokenEndpoint, String clientId, String user, String password) {
    return token(
        tokenEndpoint,
        Map.of(
            "grant_type", "password",
            "client_id", clientId,
            "username", user,
            "password", password,
            "scope", "openid"));
  }

  TokenResponse refresh(String tokenEndpoint, String clientId, String refreshToken) {
    return token(
        tokenEndpoint,
        Map.of(
            "grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken));
  }

  /**
   * Asks for a device code, tells the person where to enter it, and polls the token endpoint at the
   * interval the issuer asks for until they did, refused, or the code expired.
   */
  TokenResponse device(Endpoints endpoints, String clientId, PrintStream tell)
      throws InterruptedException {
    if (endpoints.deviceAuthorization().isBlank()) {
      throw new CliFailure(
          ExitCode.USAGE,
          "The issuer offers no device authorization grant: enable it for client "
              + clientId
              + ", or log in to the local stack with --username");
    }
    JsonNode code =
        send(
            form(endpoints.deviceAuthorization(), Map.of("client_id", clientId, "scope", "openid")),
            "Asking for a device code");
    String complete = code.path("verification_uri_complete").asText("");
    tell.println(
        complete.isBlank()
            ? "Open "
                + code.path("verification_uri").asText()
                + " and enter the code "
                + code.path("user_code").asText()
            : "Open " + complete + " to log in (code " + code.path("user_code").asText() + ")");
    long interval = code.path("interval").asLong(5);
    Instant deadline = Instant.now().plusSeconds(code.path("expires_in").asLong(600));
    Map<String, String> poll =
        Map.of(
            "grant_type", DEVICE_GRANT,
            "client_id", clientId,
            "device_code", code.path("device_code").asText());
    while (Instant.now().isBefore(deadline)) {
      Thread.sleep(Duration.ofSeconds(interval));
      HttpResponse<String> answer = exchange(form(endpoints.token(), poll), "Polling for tokens");
      JsonNode body = parse(answer.body());
      if (answer.statusCode() == 200) {
        return TokenResponse.of(body, Instant.now());
      }
      switch (body.path("error").asText()) {
        case "authorization_pending" -> {}
        case "slow_down" -> interval += 5;
        default ->
            throw new CliFailure(
                ExitCode.NOT_LOGGED_IN,
                "The login was refused: " + body.path("error_description").asText(body.toString()));
      }
    }
    throw new CliFailure(ExitCode.NOT_LOGGED_IN, "The device code expired: run login again");
  }

  private TokenResponse token(String endpoint, Map<String, String> fields) {
    HttpResponse<String> answer = exchange(form(endpoint, fields), "Asking for tokens");
    JsonNode body = parse(answer.body());
    if (answer.statusCode() != 200) {
      throw new CliFailure(
          ExitCode.NOT_LOGGED_IN,
          "The issuer refused: "
              + body.path("error_description")
                  .asText(body.path("error").asText("HTTP " + answer.statusCode()))
              + "\n  What to do: "
              + ExitCode.NOT_LOGGED_IN.meaning());
    }
    return TokenResponse.of(body, Instant.now());
  }

  private static HttpRequest form(String endpoint, Map<String, String> fields) {
    String body =
        new LinkedHashMap<>(fields)
            .entrySet().stream()
                .map(
                    e ->
                        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                            + "="
                            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(URI.create(endpoint))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private JsonNode send(HttpRequest request, String what) {
    HttpResponse<String> answer = exchange(request, what);
    if (answer.statusCode() / 100 != 2) {
      throw new CliFailure(
          ExitCode.FAILED, what + ": HTTP " + answer.statusCode() + " " + answer.body());
    }
    return parse(answer.body());
  }

  private HttpResponse<String> exchange(HttpRequest request, String what) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliFailure(
          ExitCode.UNAVAILABLE, what + ": " + request.uri() + " does not answer (" + e + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(ExitCode.FAILED, what + ": interrupted");
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
    } catch (IOException e) {
      return JSON.createObjectNode().put("error_description", body);
    }
  }
}
