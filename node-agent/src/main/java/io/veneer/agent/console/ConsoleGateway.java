package io.veneer.agent.console;

import io.veneer.api.console.ConsoleGrant;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The host's console listener: the only way to a guest's display from off the host. The console
 * proxy connects over TLS (the host's certificate), sends a {@link ConsoleGrant} the control plane
 * signed, one line; the gateway answers {@code OK} and from then relays bytes unchanged between the
 * connection and the desktop's display (a unix socket only the agent can open), or answers {@code
 * REFUSED <reason>} and closes. One connection per console.
 */
public final class ConsoleGateway implements Closeable {

  private static final Logger log = Logger.getLogger(ConsoleGateway.class.getName());
  // The grant must arrive promptly: a connection that says nothing holds a thread for no one.
  private static final Duration GRANT_TIMEOUT = Duration.ofSeconds(5);

  /** Where each desktop's display is, if it runs here and has one. */
  public interface Displays {
    Optional<SocketAddress> of(String desktopId);
  }

  private final SSLServerSocket server;
  private final GrantCheck grants;
  private final Displays displays;

  ConsoleGateway(InetSocketAddress listen, SSLContext tls, GrantCheck grants, Displays displays)
      throws IOException {
    this.server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
    server.setReuseAddress(true);
    server.bind(listen);
    this.grants = grants;
    this.displays = displays;
    Thread.ofVirtual().name("console-gateway").start(this::accept);
  }

  /** The port it listens on. */
  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket connection = server.accept();
        Thread.ofVirtual().name("console-connection").start(() -> serve((SSLSocket) connection));
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warning("event=console.accept-failed error=\"" + e.getMessage() + "\"");
        }
      }
    }
  }

  private void serve(SSLSocket proxy) {
    try (proxy) {
      proxy.setSoTimeout((int) GRANT_TIMEOUT.toMillis());
      proxy.setTcpNoDelay(true);
      InputStream in = proxy.getInputStream();
      OutputStream out = proxy.getOutputStream();
      ConsoleGrant grant;
      SocketAddress display;
      try {
        grant = grants.admit(line(in));
        display =
            displays
                .of(grant.desktopId().toString())
                .orElseThrow(
                    () -> new ConsoleGrant.Refused("the desktop shows no display on this host"));
      } catch (ConsoleGrant.Refused e) {
        log.warning(
            "event=console.refused from="
                + proxy.getRemoteSocketAddress()
                + " reason=\""
                + e.getMessage()
                + "\"");
        out.write(("REFUSED " + e.getMessage() + "\n").getBytes(StandardCharsets.US_ASCII));
        return;
      }
      try (SocketChannel channel = SocketChannel.open(display)) {
        out.write("OK\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        proxy.setSoTimeout(0);
        log.info(
            "event=console.opened desktop=" + grant.desktopId() + " subject=" + grant.subject());
        Thread input =
            Thread.ofVirtual()
                .name("console-input-" + grant.desktopId())
                .start(() -> toDisplay(in, channel));
        fromDisplay(channel, out, proxy);
        input.join();
        log.info("event=console.closed desktop=" + grant.desktopId());
      }
    } catch (IOException e) {
      log.fine("event=console.connection-ended error=\"" + e.getMessage() + "\"");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Both directions use the channel itself: SocketChannel reads and writes concurrently, while
  // streams over a channel may share one lock.
  private static void toDisplay(InputStream proxy, SocketChannel display) {
    try (display) {
      byte[] buffer = new byte[16 * 1024];
      for (int n; (n = proxy.read(buffer)) >= 0; ) {
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
        while (bytes.hasRemaining()) {
          display.write(bytes);
        }
      }
    } catch (IOException e) {
      // one side went away; closing the display ends the other direction
    }
  }

  private static void fromDisplay(SocketChannel display, OutputStream proxy, Closeable ends) {
    try (ends) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      while (display.read(buffer) >= 0) {
        proxy.write(buffer.array(), 0, buffer.position());
        proxy.flush();
        buffer.clear();
      }
    } catch (IOException e) {
      // one side went away; closing the proxy's connection ends the other direction
    }
  }

  /** The first line, the grant; refused when it is longer than a grant can be. */
  private static String line(InputStream in) throws IOException, ConsoleGrant.Refused {
    var line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0 || line.size() > ConsoleGrant.MAX_LENGTH) {
        throw new ConsoleGrant.Refused("no console grant");
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
