package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Imports fetch only from the allow-list, and never follow a redirect off it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UrlImportTest {

  private static final HttpServer SOURCE = startSource();
  private static final AtomicInteger FETCHES = new AtomicInteger();
  private static volatile Path served;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(UrlImportTest.class, registry);
    registry.add(
        "veneer.images.import-allow-list",
        () -> "http://127.0.0.1:" + SOURCE.getAddress().getPort() + "/images/");
    registry.add("veneer.images.max-upload-size", () -> "4MB");
    registry.add("veneer.images.import-read-timeout", () -> "1s");
  }

  @AfterAll
  static void stopSource() {
    SOURCE.stop(0);
  }

  @LocalServerPort int port;
  @TempDir Path dir;

  @Test
  void importsFromAnAllowedUrl() throws IOException {
    served = TestImages.converted(TestImages.raw(dir), "vdi");
    ServiceUnderTest service = new ServiceUnderTest(port);
    UUID image = service.createImage("imported");

    HttpResponse<String> response = importFrom(service, image, "/images/disk.vdi");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    assertThat(ServiceUnderTest.json(response.body()).path("sourceFormat").asString())
        .isEqualTo("vdi");
  }

  @Test
  void refusesUrlsOffTheAllowListWithoutFetchingThem() {
    ServiceUnderTest service = new ServiceUnderTest(port);
    UUID image = service.createImage("refused");
    int before = FETCHES.get();

    HttpResponse<String> otherPath = importFrom(service, image, "/secrets/disk.img");
    HttpResponse<String> metadata =
        service.sendForString(
            service.post(
                "/api/v1/images/" + image + "/versions:import",
                "{\"url\":\"http://169.254.169.254/latest/meta-data\"}"));
    HttpResponse<String> file =
        service.sendForString(
            service.post(
                "/api/v1/images/" + image + "/versions:import",
                "{\"url\":\"file:///etc/shadow\"}"));

    assertThat(otherPath.statusCode()).isEqualTo(400);
    assertThat(metadata.statusCode()).isEqualTo(400);
    assertThat(ServiceUnderTest.json(metadata.body()).path("detail").asString())
        .contains(
            "are not allowed: an administrator must add it to veneer.images.import-allow-list");
    assertThat(file.statusCode()).isEqualTo(400);
    assertThat(FETCHES.get()).isEqualTo(before);
  }

  @Test
  void doesNotFollowARedirectOffTheAllowList() {
    ServiceUnderTest service = new ServiceUnderTest(port);
    UUID image = service.createImage("redirected");

    HttpResponse<String> response = importFrom(service, image, "/images/redirect");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(ServiceUnderTest.json(response.body()).path("detail").asString())
        .contains("answered HTTP 302, not 200");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "/images/endless   | larger than veneer.images.max-upload-size (4194304 bytes)",
        "/images/oversized | announces 1073741824 bytes, more than veneer.images.max-upload-size",
        "/images/stalled   | Read timed out"
      })
  void givesUpASourceThatSendsTooMuchOrStalls(String path, String reason) {
    ServiceUnderTest service = new ServiceUnderTest(port);
    UUID image = service.createImage("limited-" + path.substring(8));

    HttpResponse<String> response = importFrom(service, image, path);

    assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
    assertThat(ServiceUnderTest.json(response.body()).path("detail").asString()).contains(reason);
  }

  private HttpResponse<String> importFrom(ServiceUnderTest service, UUID image, String path) {
    return service.sendForString(
        service.post(
            "/api/v1/images/" + image + "/versions:import",
            "{\"url\":\"http://127.0.0.1:" + SOURCE.getAddress().getPort() + path + "\"}"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpServer startSource() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            FETCHES.incrementAndGet();
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/images/redirect")) {
              exchange.getResponseHeaders().add("Location", "http://169.254.169.254/");
              exchange.sendResponseHeaders(302, -1);
            } else if (path.equals("/images/endless")) {
              // Chunked, no length announced: 8 MiB, twice the limit.
              exchange.sendResponseHeaders(200, 0);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[8 << 20]);
              } catch (IOException dropped) {
                // the service hung up once over the limit
              }
            } else if (path.equals("/images/oversized")) {
              exchange.sendResponseHeaders(200, 1L << 30);
              OutputStream out = exchange.getResponseBody();
              out.write(new byte[1000]);
              out.flush();
              sleep(1_000);
            } else if (path.equals("/images/stalled")) {
              exchange.sendResponseHeaders(200, 1 << 20);
              OutputStream out = exchange.getResponseBody();
              out.write(new byte[1000]);
              out.flush();
              sleep(3_000);
            } else {
              exchange.sendResponseHeaders(200, Files.size(served));
              try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(served, out);
              }
            }
            exchange.close();
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
