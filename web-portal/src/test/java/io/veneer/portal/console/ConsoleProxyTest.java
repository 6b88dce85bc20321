package io.veneer.portal.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.portal.testing.FakeVncServer;
import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.TestPortal;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The console proxy with a real WebSocket client (java.net.http): tickets bound to one user and one
 * desktop, used once, and the Origin check against cross-site WebSocket hijacking.
 */
class ConsoleProxyTest {

  private static final TestPortal portal = TestPortal.get();
  private static final FakeVncServer vnc = new FakeVncServer();
  private static final Pattern TICKET = Pattern.compile("data-ticket=\"([^\"]+)\"");

  @AfterAll
  static void stopVnc() throws Exception {
    vnc.close();
  }

  @Test
  void ownerReachesTheDesktopsDisplayThroughTheProxy() throws Exception {
    Fixture carol = fixture("carol");
    String ticket = ticket(carol.session().get("/desktops/" + carol.desktop() + "/console"));

    Received received = new Received();
    WebSocket socket = open(carol.session(), carol.desktop(), ticket, portalOrigin(), received);
    assertThat(received.await(FakeVncServer.GREETING.length)).startsWith("RFB 003.008\n");

    socket.sendBinary(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), true);
    assertThat(received.await(FakeVncServer.GREETING.length + 5)).endsWith("hello");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  void consolePageKeepsTheDisplayPasswordForNoVncAndNeverTheEndpoint() {
    Fixture dora = fixture("dora");

    String page = dora.session().get("/desktops/" + dora.desktop() + "/console").body();

    assertThat(page).contains("/js/console.js", "data-password=\"vnc-secret\"");
    assertThat(page).doesNotContain(":" + vnc.port());
  }

  @Test
  void aTicketIsGoodForOneConnectionOnly() throws Exception {
    Fixture erin = fixture("erin");
    String ticket = ticket(erin.session().get("/desktops/" + erin.desktop() + "/console"));
    Received received = new Received();
    open(erin.session(), erin.desktop(), ticket, portalOrigin(), received);
    received.await(FakeVncServer.GREETING.length);

    assertRefused(
        () -> open(erin.session(), erin.desktop(), ticket, portalOrigin(), new Received()), 403);
  }

  @Test
  void aSocketFromAForeignOriginIsRefusedAndDoesNotBurnTheTicket() throws Exception {
    Fixture fred = fixture("fred");
    String ticket = ticket(fred.session().get("/desktops/" + fred.desktop() + "/console"));

    assertRefused(
        () -> open(fred.session(), fred.desktop(), ticket, "https://evil.example", new Received()),
        403);

    Received received = new Received();
    open(fred.session(), fred.desktop(), ticket, portalOrigin(), received);
    assertThat(received.await(FakeVncServer.GREETING.length)).startsWith("RFB");
  }

  @Test
  void anotherUserCannotUseMyTicket() {
    Fixture gina = fixture("gina");
    PortalSession hank = PortalSession.login(portal, "hank", Set.of("user"));
    String ticket = ticket(gina.session().get("/desktops/" + gina.desktop() + "/console"));

    assertRefused(() -> open(hank, gina.desktop(), ticket, portalOrigin(), new Received()), 403);
  }

  @Test
  void anotherUsersConsoleCannotBeOpened() {
    Fixture ivy = fixture("ivy");
    PortalSession jack = PortalSession.login(portal, "jack", Set.of("user"));

    HttpResponse<String> page = jack.get("/desktops/" + ivy.desktop() + "/console");

    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).doesNotContain("data-ticket");
  }

  @Test
  void anAnonymousSocketIsRefused() {
    Fixture kim = fixture("kim");
    String ticket = ticket(kim.session().get("/desktops/" + kim.desktop() + "/console"));

    assertRefused(
        () ->
            open(
                PortalSession.anonymous(portal),
                kim.desktop(),
                ticket,
                portalOrigin(),
                new Received()),
        401);
  }

  @Test
  void aDesktopWithoutAKnownDisplaySaysSoInWords() {
    UUID pool = portal.controlPlane().addPool("console-leo", Set.of("leo"));
    UUID desktop = portal.controlPlane().addDesktop("leo", pool, "RUNNING", null);
    PortalSession leo = PortalSession.login(portal, "leo", Set.of("user"));

    HttpResponse<String> page = leo.get("/desktops/" + desktop + "/console");

    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.body())
        .contains("has not told the portal where this desktop&#39;s display listens");
  }

  private record Fixture(PortalSession session, UUID desktop) {}

  private static Fixture fixture(String user) {
    UUID pool = portal.controlPlane().addPool("console-" + user, Set.of(user));
    UUID desktop =
        portal
            .controlPlane()
            .addDesktop(
                user,
                pool,
                "RUNNING",
                Map.of(
                    "host",
                    "127.0.0.1",
                    "port",
                    vnc.port(),
                    "password",
                    "vnc-secret",
                    "protocol",
                    "vnc"));
    return new Fixture(PortalSession.login(portal, user, Set.of("user")), desktop);
  }

  private static String portalOrigin() {
    return portal.baseUri().toString();
  }

  private static String ticket(HttpResponse<String> page) {
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher matcher = TICKET.matcher(page.body());
    assertThat(matcher.find()).as("the console page holds a ticket").isTrue();
    return matcher.group(1);
  }

  private static WebSocket open(
      PortalSession session, UUID desktop, String ticket, String origin, Received listener)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
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
    String cookies = session.cookieHeader();
    if (!cookies.isEmpty()) {
      builder.header("Cookie", cookies);
    }
    return builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
  }

  @FunctionalInterface
  private interface Attempt {
    void run() throws Exception;
  }

  private static void assertRefused(Attempt attempt, int status) {
    assertThatThrownBy(attempt::run)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(status));
  }

  /** Collects the binary frames a socket receives. */
  private static final class Received implements WebSocket.Listener {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized CompletionStage<?> onBinary(
        WebSocket socket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      bytes.writeBytes(chunk);
      socket.request(1);
      return null;
    }

    String await(int size) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (this) {
          if (bytes.size() >= size) {
            return bytes.toString(StandardCharsets.US_ASCII);
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("Only " + bytes.size() + " of " + size + " bytes arrived");
    }
  }
}
