package io.veneer.portal.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.portal.testing.FakeOidcProvider;
import io.veneer.portal.testing.FakeVncServer;
import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.TestPortal;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
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
 * The console proxy with a real WebSocket client (java.net.http) against the in-test control
 * plane's tickets (bound to one user and one desktop, used once) and a host agent's console
 * listener (TLS, the test CA) that relays to an RFB display once it has admitted the grant the
 * control plane signed: the client is offered security type None, bytes flow both ways; the Origin
 * check against cross-site WebSocket hijacking comes before any ticket.
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
  void ownerReachesTheDesktopsDisplayThroughTheProxyAndItsHostsConsoleListener() throws Exception {
    Fixture carol = fixture("carol");
    String ticket = ticket(carol.session().get("/desktops/" + carol.desktop() + "/console"));

    Received received = new Received();
    WebSocket socket = open(carol.session(), carol.desktop(), ticket, portalOrigin(), received);
    byte[] result = handshake(socket, received);
    assertThat(result).as("SecurityResult OK").containsExactly(0, 0, 0, 0);

    socket.sendBinary(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), true);
    assertThat(received.await(HANDSHAKE + 5)).endsWith("hello");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }

  @Test
  void keyboardAndPointerInputIsReportedToTheControlPlaneAtMostOnceAMinutePerDesktop()
      throws Exception {
    Fixture ivy = fixture("ivy");
    String ticket = ticket(ivy.session().get("/desktops/" + ivy.desktop() + "/console"));
    Received received = new Received();
    WebSocket socket = open(ivy.session(), ivy.desktop(), ticket, portalOrigin(), received);
    handshake(socket, received);
    String reports = "/api/v1/desktops/" + ivy.desktop() + "/console-input";

    // ClientInit, a FramebufferUpdateRequest and SetEncodings (noVNC's first words): no input.
    send(socket, new byte[] {1, 3, 0, 0, 0, 0, 0, 0, 4, 0, 3, 2, 0, 0, 1, 0, 0, 0, 7});
    Thread.sleep(500);
    assertThat(calls(reports)).as("no input yet").isZero();

    // A key press and a pointer move.
    send(socket, new byte[] {4, 1, 0, 0, 0, 0, 0, 0x61, 5, 0, 0, 10, 0, 20});
    awaitCalls(reports, 1);
    send(socket, new byte[] {4, 0, 0, 0, 0, 0, 0, 0x61});
    Thread.sleep(500);

    assertThat(portal.controlPlane().calls().stream().filter(c -> c.path().equals(reports)))
        .as("one report for input within a minute, by the portal's own credential")
        .singleElement()
        .satisfies(c -> assertThat(c.user()).isEqualTo(FakeOidcProvider.SERVICE_ACCOUNT));
  }

  private static void send(WebSocket socket, byte[] bytes) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
  }

  private static long calls(String path) {
    return portal.controlPlane().calls().stream().filter(c -> c.path().equals(path)).count();
  }

  private static void awaitCalls(String path, long count) throws InterruptedException {
    for (int i = 0; i < 100 && calls(path) < count; i++) {
      Thread.sleep(100);
    }
    assertThat(calls(path)).as("calls to " + path).isEqualTo(count);
  }

  @Test
  void theProxyRedeemsWithThePortalsOwnCredentialNamingThePersonWhoPresentedTheTicket()
      throws Exception {
    Fixture uma = fixture("uma");
    String ticket = ticket(uma.session().get("/desktops/" + uma.desktop() + "/console"));
    int redemptions = redemptions();

    Received received = new Received();
    open(uma.session(), uma.desktop(), ticket, portalOrigin(), received);
    assertThat(received.await(FakeVncServer.GREETING.length)).startsWith("RFB");

    assertThat(
            portal.controlPlane().calls().stream()
                .filter(c -> c.path().equals("/api/v1/console-tickets/redeem"))
                .skip(redemptions))
        .singleElement()
        .satisfies(c -> assertThat(c.user()).isEqualTo(FakeOidcProvider.SERVICE_ACCOUNT));
  }

  @Test
  void theConsolePageHoldsTheControlPlanesTicketAndNeitherGrantNorEndpoint() {
    Fixture dora = fixture("dora");

    String page = dora.session().get("/desktops/" + dora.desktop() + "/console").body();

    assertThat(page).contains("/js/console.js", "data-ticket=");
    assertThat(page)
        .doesNotContain(
            "data-grant", "data-password", ":" + portal.consoles().endpoint().get("port"));
    assertThat(portal.controlPlane().calls())
        .anyMatch(
            c ->
                c.method().equals("POST")
                    && c.path().equals("/api/v1/desktops/" + dora.desktop() + "/console-tickets")
                    && "dora".equals(c.user()));
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
    int redemptions = redemptions();

    assertRefused(
        () -> open(fred.session(), fred.desktop(), ticket, "https://evil.example", new Received()),
        403);
    assertThat(redemptions()).as("the control plane never saw the ticket").isEqualTo(redemptions);

    Received received = new Received();
    open(fred.session(), fred.desktop(), ticket, portalOrigin(), received);
    assertThat(received.await(FakeVncServer.GREETING.length)).startsWith("RFB");
  }

  @Test
  void anotherUserCannotUseMyTicketAndBurnsItTrying() {
    Fixture gina = fixture("gina");
    PortalSession hank = PortalSession.login(portal, "hank", Set.of("user"));
    String ticket = ticket(gina.session().get("/desktops/" + gina.desktop() + "/console"));

    assertRefused(() -> open(hank, gina.desktop(), ticket, portalOrigin(), new Received()), 403);
    assertRefused(
        () -> open(gina.session(), gina.desktop(), ticket, portalOrigin(), new Received()), 403);
  }

  @Test
  void aTicketForOneDesktopDoesNotOpenAnother() {
    Fixture omar = fixture("omar");
    UUID other =
        portal
            .controlPlane()
            .addDesktop(
                "omar",
                portal.controlPlane().addPool("console-omar-2", Set.of("omar")),
                "RUNNING",
                portal.consoles().endpoint());
    portal.consoles().shows(other, vnc.address());
    String ticket = ticket(omar.session().get("/desktops/" + omar.desktop() + "/console"));

    assertRefused(() -> open(omar.session(), other, ticket, portalOrigin(), new Received()), 403);
  }

  @Test
  void anExpiredTicketIsRefused() {
    Fixture pia = fixture("pia");
    portal.controlPlane().ticketTtl(Duration.ZERO);
    String ticket;
    try {
      ticket = ticket(pia.session().get("/desktops/" + pia.desktop() + "/console"));
    } finally {
      portal.controlPlane().ticketTtl(Duration.ofSeconds(60));
    }

    assertRefused(
        () -> open(pia.session(), pia.desktop(), ticket, portalOrigin(), new Received()), 403);
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
  void anotherUsersConsoleCannotBeOpened() {
    Fixture ivy = fixture("ivy");
    PortalSession jack = PortalSession.login(portal, "jack", Set.of("user"));

    HttpResponse<String> page = jack.get("/desktops/" + ivy.desktop() + "/console");

    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).doesNotContain("data-ticket");
  }

  @Test
  void aDesktopWithoutADisplayOrNotRunningIsExplainedInWords() {
    UUID pool = portal.controlPlane().addPool("console-leo", Set.of("leo"));
    UUID blind = portal.controlPlane().addDesktop("leo", pool, "RUNNING", null);
    UUID stopped =
        portal.controlPlane().addDesktop("leo", pool, "STOPPED", portal.consoles().endpoint());
    PortalSession leo = PortalSession.login(portal, "leo", Set.of("user"));

    HttpResponse<String> noDisplay = leo.get("/desktops/" + blind + "/console");
    HttpResponse<String> notRunning = leo.get("/desktops/" + stopped + "/console");

    assertThat(noDisplay.statusCode()).isEqualTo(409);
    assertThat(noDisplay.body()).contains("has no display to show").doesNotContain("data-ticket");
    assertThat(notRunning.statusCode()).isEqualTo(409);
    assertThat(notRunning.body()).contains("is STOPPED; start it to open its console");
  }

  @Test
  void aGrantTheHostsConsoleListenerRefusesIsExplainedToTheBrowser() throws Exception {
    UUID pool = portal.controlPlane().addPool("console-quinn", Set.of("quinn"));
    UUID desktop =
        portal.controlPlane().addDesktop("quinn", pool, "RUNNING", portal.consoles().endpoint());
    PortalSession quinn = PortalSession.login(portal, "quinn", Set.of("user"));
    String ticket = ticket(quinn.get("/desktops/" + desktop + "/console"));

    Received received = new Received();
    byte[] result = handshake(open(quinn, desktop, ticket, portalOrigin(), received), received);

    assertThat(result).as("SecurityResult failed").containsExactly(0, 0, 0, 1);
    String reason = "The desktop's display cannot be reached";
    assertThat(received.await(HANDSHAKE + 4 + reason.length())).contains(reason);
  }

  private record Fixture(PortalSession session, UUID desktop) {}

  private static Fixture fixture(String user) {
    UUID pool = portal.controlPlane().addPool("console-" + user, Set.of(user));
    UUID desktop =
        portal.controlPlane().addDesktop(user, pool, "RUNNING", portal.consoles().endpoint());
    portal.consoles().shows(desktop, vnc.address());
    return new Fixture(PortalSession.login(portal, user, Set.of("user")), desktop);
  }

  private static int redemptions() {
    return (int)
        portal.controlPlane().calls().stream()
            .filter(c -> c.path().equals("/api/v1/console-tickets/redeem"))
            .count();
  }

  /** Bytes up to the end of SecurityResult: version, types, result. */
  private static final int HANDSHAKE = 12 + 2 + 4;

  /**
   * The client's side of the handshake with the proxy, as noVNC does it: RFB 3.8, security type
   * None (the only one offered); returns the 4-byte SecurityResult.
   */
  private static byte[] handshake(WebSocket socket, Received received) throws Exception {
    assertThat(received.await(FakeVncServer.GREETING.length)).isEqualTo("RFB 003.008\n");
    socket.sendBinary(ByteBuffer.wrap(FakeVncServer.GREETING), true).get(5, TimeUnit.SECONDS);
    assertThat(Arrays.copyOfRange(received.bytes(14), 12, 14))
        .as("one security type offered: None")
        .containsExactly(1, 1);
    socket.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(5, TimeUnit.SECONDS);
    return Arrays.copyOfRange(received.bytes(HANDSHAKE), 14, HANDSHAKE);
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
    return session.openConsole(desktop, ticket, origin, listener);
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
      return new String(bytes(size), StandardCharsets.US_ASCII);
    }

    byte[] bytes(int size) throws Exception {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (this) {
          if (bytes.size() >= size) {
            return bytes.toByteArray();
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("Only " + bytes.size() + " of " + size + " bytes arrived");
    }
  }
}
