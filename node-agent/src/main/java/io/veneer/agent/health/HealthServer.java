package io.veneer.agent.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The agent's health on a local port, for a DaemonSet's probes and a Prometheus scraper: {@code
 * /livez} (the loop runs), {@code /readyz} (the control plane answers), {@code /metrics}. Plain JDK
 * HTTP on a thread of its own, so a stuck loop is seen, not shared.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("agent-health").daemon().unstarted(r));

  public HealthServer(InetSocketAddress listen, AgentVitals vitals, Clock clock)
      throws IOException {
    server = HttpServer.create(listen, 0);
    server.setExecutor(thread);
    server.createContext(
        "/livez", exchange -> probe(exchange, v -> v.notLive(clock.instant()), vitals));
    server.createContext("/readyz", exchange -> probe(exchange, AgentVitals::notReady, vitals));
    server.createContext(
        "/metrics",
        exchange ->
            answer(
                exchange,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                vitals.metrics(clock.instant())));
    server.start();
  }

  /** The port it listens on (useful when asked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(
      HttpExchange exchange, Function<AgentVitals, String> problem, AgentVitals vitals)
      throws IOException {
    String why = problem.apply(vitals);
    answer(
        exchange,
        why == null ? 200 : 503,
        "text/plain; charset=utf-8",
        why == null ? "ok\n" : why + "\n");
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    thread.shutdownNow();
  }
}
