package io.veneer.portal.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One person's browser, without the browser: a cookie jar and plain HTTP against the portal, for
 * fast tests. Logs in through the real OIDC redirect dance against {@link FakeOidcProvider}.
 */
public final class PortalSession {

  private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
  private static final int MAX_REDIRECTS = 10;

  private final TestPortal portal;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;
  private final List<String> setCookieHeaders = new ArrayList<>();
  private String csrfToken;

  private PortalSession(TestPortal portal) {
    this.portal = portal;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** A session of nobody yet. */
  public static PortalSession anonymous(TestPortal portal) {
    return new PortalSession(portal);
  }

  /** Logs {@code username} in through the portal's OIDC login; ends on "my desktops". */
  public static PortalSession login(TestPortal portal, String username, Set<String> roles) {
    PortalSession session = new PortalSession(portal);
    portal.oidc().nextLogin(username, roles);
    HttpResponse<String> page = session.follow(portal.uri("/desktops"));
    if (page.statusCode() != 200) {
      throw new IllegalStateException("Login of " + username + " ended with " + page.statusCode());
    }
    return session;
  }

  /** GET, following redirects; remembers the page's CSRF token. */
  public HttpResponse<String> get(String path) {
    return follow(portal.uri(path));
  }

  /** GET without following redirects. */
  public HttpResponse<String> getOnce(String path) {
    return send(HttpRequest.newBuilder(portal.uri(path)).GET().build());
  }

  /** An htmx form POST with this page's CSRF token. */
  public HttpResponse<String> post(String path, Map<String, String> form) {
    return post(path, form, true);
  }

  /** A form whose fields may repeat, as ticked checkboxes of one name do. */
  public HttpResponse<String> post(String path, List<Map.Entry<String, String>> form) {
    return send(
        HttpRequest.newBuilder(portal.uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("X-CSRF-TOKEN", csrfToken())
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)))
            .build());
  }

  public HttpResponse<String> post(String path, Map<String, String> form, boolean withCsrf) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(portal.uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("HX-Request", "true")
            .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (withCsrf) {
      request.header("X-CSRF-TOKEN", csrfToken());
    }
    return send(request.build());
  }

  /** A POST of raw bytes asking for JSON, as the upload script sends pieces. */
  public HttpResponse<String> postBytes(String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(portal.uri(path))
            .header("X-CSRF-TOKEN", csrfToken())
            .header("Accept", "application/json")
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return send(request.build());
  }

  /** Opens a server-sent-event stream: its lines as they come. */
  public HttpResponse<java.util.stream.Stream<String>> stream(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(portal.uri(path)).header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens the portal's console socket for {@code desktop} with {@code ticket}, as this browser (its
   * cookies) on a page of {@code origin}.
   */
  public WebSocket openConsole(
      UUID desktop, String ticket, String origin, WebSocket.Listener listener)
      throws ExecutionException, InterruptedException, TimeoutException {
    URI uri =
        URI.create(
            "ws://127.0.0.1:"
                + portal.baseUri().getPort()
                + "/console/ws?desktop="
                + desktop
                + "&ticket="
                + ticket);
    WebSocket.Builder builder =
        HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", origin);
    String cookieHeader = cookieHeader();
    if (!cookieHeader.isEmpty()) {
      builder.header("Cookie", cookieHeader);
    }
    return builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
  }

  /** The Cookie header this browser would send to the portal (for a WebSocket). */
  public String cookieHeader() {
    return cookies.getCookieStore().get(portal.baseUri()).stream()
        .map(HttpCookie::toString)
        .collect(Collectors.joining("; "));
  }

  /** Every Set-Cookie header the portal sent this browser. */
  public List<String> setCookieHeaders() {
    return List.copyOf(setCookieHeaders);
  }

  public String csrfToken() {
    if (csrfToken == null) {
      get("/desktops");
    }
    return csrfToken;
  }

  private HttpResponse<String> follow(URI uri) {
    HttpResponse<String> response = null;
    for (int i = 0; i < MAX_REDIRECTS; i++) {
      response = send(HttpRequest.newBuilder(uri).GET().build());
      if (response.statusCode() / 100 != 3) {
        return response;
      }
      uri = uri.resolve(response.headers().firstValue("Location").orElseThrow());
    }
    return response;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (request.uri().getPort() == portal.baseUri().getPort()) {
        setCookieHeaders.addAll(response.headers().allValues("Set-Cookie"));
      }
      Matcher csrf = CSRF.matcher(response.body());
      if (csrf.find()) {
        csrfToken = csrf.group(1);
      }
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(Map<String, String> form) {
    return encode(List.copyOf(form.entrySet()));
  }

  private static String encode(List<Map.Entry<String, String>> form) {
    return form.stream()
        .map(
            e ->
                java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
