package io.veneer.portal.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP server on 127.0.0.1 standing in for one of the portal's backends: routes by method
 * and path pattern, JSON in and out, and a log of what was asked, by whom.
 */
public abstract class FakeHttpServer implements AutoCloseable {

  protected static final JsonMapper JSON = JsonMapper.builder().build();

  /** One request as the fake saw it; {@code user} from the bearer token, or null. */
  public record Call(String method, String path, String user, Map<String, List<String>> headers) {}

  /** Thrown by a handler to answer with problem+json. */
  protected static final class Problem extends RuntimeException {
    final int status;

    public Problem(int status, String detail) {
      super(detail);
      this.status = status;
    }
  }

  /**
   * The caller as the fake sees them, as the control plane does: the bearer token's subject ({@code
   * sub}, Keycloak's user id) and realm roles.
   */
  protected record Caller(String subject, List<String> roles) {
    boolean isAdmin() {
      return roles.contains("admin");
    }
  }

  @FunctionalInterface
  protected interface Handler {
    Object handle(HttpExchange exchange, Matcher path, Caller caller) throws IOException;
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final HttpServer server;
  private final List<Route> routes = new ArrayList<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  protected FakeHttpServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::serve);
  }

  protected final void route(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler));
  }

  protected final void start() {
    server.start();
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Caller caller = caller(exchange.getRequestHeaders().getFirst("Authorization"));
      calls.add(
          new Call(
              exchange.getRequestMethod(),
              path,
              caller == null ? null : caller.subject(),
              caseInsensitive(exchange.getRequestHeaders())));
      for (Route route : routes) {
        Matcher matcher = route.path().matcher(path);
        if (route.method().equals(exchange.getRequestMethod()) && matcher.matches()) {
          try {
            Object answer = route.handler().handle(exchange, matcher, caller);
            if (answer instanceof Answered) {
              return;
            }
            if (answer instanceof Reply reply) {
              send(
                  exchange,
                  reply.status(),
                  "application/json",
                  JSON.writeValueAsBytes(reply.body()));
            } else {
              send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
            }
          } catch (Problem p) {
            send(
                exchange,
                p.status,
                "application/problem+json",
                JSON.writeValueAsBytes(
                    Map.of("status", p.status, "title", "Refused", "detail", p.getMessage())));
          }
          return;
        }
      }
      send(
          exchange,
          404,
          "application/problem+json",
          JSON.writeValueAsBytes(Map.of("detail", "no route " + path)));
    }
  }

  /** An answer with a status other than 200. */
  protected record Reply(int status, Object body) {}

  private static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** A handler that wrote its own answer returns this. */
  protected enum Answered {
    YES
  }

  protected static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  protected static Map<?, ?> jsonBody(HttpExchange exchange) throws IOException {
    return JSON.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
  }

  /** A query string or form body, decoded; the first of repeated names wins. */
  protected static Map<String, String> form(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return Map.of();
    }
    return Arrays.stream(encoded.split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            Collectors.toMap(
                kv -> URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                (a, b) -> a));
  }

  protected static Caller requireCaller(Caller caller) {
    if (caller == null) {
      throw new Problem(401, "A bearer token is required");
    }
    return caller;
  }

  @SuppressWarnings("unchecked")
  private static Caller caller(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return null;
    }
    String[] parts = authorization.substring("Bearer ".length()).split("\\.");
    Map<String, Object> claims =
        JSON.readValue(
            new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8), Map.class);
    Map<String, Object> realmAccess =
        (Map<String, Object>) claims.getOrDefault("realm_access", Map.of());
    return new Caller(
        (String) claims.get("sub"), (List<String>) realmAccess.getOrDefault("roles", List.of()));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
