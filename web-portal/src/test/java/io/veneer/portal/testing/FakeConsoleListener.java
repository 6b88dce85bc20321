package io.veneer.portal.testing;

import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.tls.PemTls;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node agent's console listener, as the portal's proxy meets it: TLS with a certificate of the
 * test CA for 127.0.0.1, a grant signed with {@link #signingKey()} for a desktop it was told shows
 * a display ({@link #shows}), used once; then bytes relayed to that display. Anything else is
 * answered {@code REFUSED <reason>}.
 */
public final class FakeConsoleListener implements AutoCloseable {

  private final LocalCertificateAuthority ca;
  private final KeyPair grantKeys;
  private final ServerSocket server;
  private final Map<UUID, SocketAddress> displays = new ConcurrentHashMap<>();
  private final Set<String> usedNonces = ConcurrentHashMap.newKeySet();

  public FakeConsoleListener() {
    try {
      ca = new LocalCertificateAuthority(Files.createTempDirectory("portal-console-tls")).create();
      grantKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      server =
          PemTls.server(ca.serverCertificate(), ca.serverKey())
              .getServerSocketFactory()
              .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Thread.ofVirtual().start(this::accept);
  }

  /** The CA that signed the listener's certificate: the portal's console CA. */
  public Path caCertificate() {
    return ca.caCertificate();
  }

  /** The key the control plane signs grants with. */
  public PrivateKey signingKey() {
    return grantKeys.getPrivate();
  }

  /** Where the control plane says the listener is: the host's address and port. */
  public Map<String, Object> endpoint() {
    return Map.of("host", "127.0.0.1", "port", server.getLocalPort());
  }

  /** {@code desktop} shows its display at {@code display} on this host. */
  public void shows(UUID desktop, SocketAddress display) {
    displays.put(desktop, display);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket proxy = server.accept();
        Thread.ofVirtual().start(() -> serve(proxy));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket proxy) {
    try (proxy) {
      InputStream in = proxy.getInputStream();
      OutputStream out = proxy.getOutputStream();
      var line = new StringBuilder();
      for (int b; (b = in.read()) != '\n'; ) {
        if (b < 0) {
          return;
        }
        line.append((char) b);
      }
      SocketAddress display;
      try {
        ConsoleGrant grant = ConsoleGrant.verified(line.toString(), grantKeys.getPublic());
        if (!usedNonces.add(grant.nonce())) {
          throw new ConsoleGrant.Refused("the grant was used already");
        }
        display = displays.get(grant.desktopId());
        if (display == null) {
          throw new ConsoleGrant.Refused("the desktop shows no display on this host");
        }
      } catch (ConsoleGrant.Refused e) {
        out.write(("REFUSED " + e.getMessage() + "\n").getBytes(StandardCharsets.US_ASCII));
        return;
      }
      try (SocketChannel channel = SocketChannel.open(display)) {
        out.write("OK\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Thread.ofVirtual().start(() -> toDisplay(in, channel));
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
          out.write(buffer.array(), 0, buffer.position());
          out.flush();
          buffer.clear();
        }
      }
    } catch (IOException e) {
      // either side went away
    }
  }

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
      // either side went away
    }
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
