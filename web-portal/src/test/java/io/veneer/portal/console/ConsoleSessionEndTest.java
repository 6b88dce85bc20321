package io.veneer.portal.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.portal.testing.FakeVncServer;
import io.veneer.portal.testing.PortalSession;
import io.veneer.portal.testing.TestPortal;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A console socket lives no longer than the portal session it was opened in: it ends when the
 * session's access token expires and cannot be refreshed, and at logout; while the session can
 * refresh its token, it stays open. Real timers: tokens of four seconds.
 */
class ConsoleSessionEndTest {

  private static final TestPortal portal = TestPortal.get();
  private static final FakeVncServer vnc = new FakeVncServer();
  private static final Pattern TICKET = Pattern.compile("data-ticket=\"([^\"]+)\"");
  private static final Duration SHORT = Duration.ofSeconds(4);

  @AfterAll
  static void stopVnc() throws Exception {
    vnc.close();
  }

  @AfterEach
  void tokensAsUsual() {
    portal.oidc().tokensFromNextLogin(Duration.ofSeconds(300), false);
  }

  @Test
  void aConsoleEndsWhenItsSessionsTokenExpiresAndCannotBeRefreshed() throws Exception {
    portal.oidc().tokensFromNextLogin(SHORT, false);
    Console console = open("vera");

    assertThat(console.closed().get(15, TimeUnit.SECONDS))
        .isEqualTo(ConsoleSessions.SESSION_ENDED.getCode());
  }

  @Test
  void aConsoleStaysOpenWhileItsSessionRefreshesTheToken() throws Exception {
    portal.oidc().tokensFromNextLogin(SHORT, true);
    Console console = open("wade");
    int refreshes = portal.oidc().refreshes();

    Thread.sleep(2 * SHORT.toMillis() + 1000);

    assertThat(console.closed()).as("still open").isNotDone();
    assertThat(portal.oidc().refreshes()).isGreaterThan(refreshes);
    console.socket().sendBinary(ByteBuffer.wrap("still".getBytes(StandardCharsets.US_ASCII)), true);
    assertThat(console.received().await("still")).isTrue();
    portal.oidc().refusesRefreshes();
    assertThat(console.closed().get(15, TimeUnit.SECONDS))
        .as("once the refresh token is refused")
        .isEqualTo(ConsoleSessions.SESSION_ENDED.getCode());
  }

  @Test
  void aConsoleEndsAtLogout() throws Exception {
    Console console = open("xena");

    console.session().post("/logout", Map.of());

    assertThat(console.closed().get(15, TimeUnit.SECONDS))
        .isEqualTo(ConsoleSessions.SESSION_ENDED.getCode());
  }

  private record Console(PortalSession session, WebSocket socket, Listener received) {
    CompletableFuture<Integer> closed() {
      return received.closed;
    }
  }

  /** Logs {@code user} in, opens their running desktop's console, past the RFB handshake. */
  private static Console open(String user) throws Exception {
    UUID pool = portal.controlPlane().addPool("session-end-" + user, Set.of(user));
    UUID desktop =
        portal.controlPlane().addDesktop(user, pool, "RUNNING", portal.consoles().endpoint());
    portal.consoles().shows(desktop, vnc.address());
    PortalSession session = PortalSession.login(portal, user, Set.of("user"));
    Matcher ticket = TICKET.matcher(session.get("/desktops/" + desktop + "/console").body());
    assertThat(ticket.find()).isTrue();
    Listener listener = new Listener();
    WebSocket socket =
        session.openConsole(desktop, ticket.group(1), portal.baseUri().toString(), listener);
    assertThat(listener.await("RFB 003.008\n")).isTrue();
    socket.sendBinary(ByteBuffer.wrap(FakeVncServer.GREETING), true).get(5, TimeUnit.SECONDS);
    socket.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(5, TimeUnit.SECONDS);
    return new Console(session, socket, listener);
  }

  /** What a socket received, and how it was closed. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    @Override
    public synchronized CompletionStage<?> onBinary(
        WebSocket socket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      text.append(new String(chunk, StandardCharsets.ISO_8859_1));
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      closed.complete(status);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.completeExceptionally(error);
    }

    boolean await(String expected) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        synchronized (this) {
          if (text.indexOf(expected) >= 0) {
            return true;
          }
        }
        Thread.sleep(20);
      }
      return false;
    }
  }
}
