package io.veneer.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.api.console.ConsoleGrant;
import io.veneer.api.tls.PemTls;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's console listener admits a connection only over TLS, with a grant the control plane
 * signed for this host and a desktop that shows a display here, once, before it expires; then it
 * relays the display's bytes unchanged.
 */
class ConsoleGatewayTest {

  private static final String HOST = "host-1";
  private static final UUID DESKTOP = UUID.randomUUID();

  @TempDir static Path certificates;
  private static LocalCertificateAuthority ca;
  private static KeyPair controlPlane;

  @TempDir Path sockets;
  private FakeDisplay display;
  private ConsoleGateway gateway;

  @BeforeAll
  static void authority() throws Exception {
    ca = new LocalCertificateAuthority(certificates.resolve("ca")).create();
    controlPlane = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @BeforeEach
  void start() throws IOException {
    display = new FakeDisplay(sockets.resolve("vnc.sock"));
    gateway =
        new ConsoleGateway(
            new InetSocketAddress("127.0.0.1", 0),
            PemTls.server(ca.serverCertificate(), ca.serverKey()),
            new GrantCheck(
                new GrantKeys(List.of(controlPlane.getPublic())), HOST, Clock.systemUTC()),
            desktopId ->
                Optional.ofNullable(Map.of(DESKTOP.toString(), display.address()).get(desktopId)));
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
    display.close();
  }

  @Test
  void aGrantOfTheControlPlaneOpensTheDisplayAndBytesFlowBothWaysUnchanged() throws Exception {
    try (SSLSocket proxy = dial(PemTls.client(ca.caCertificate()))) {
      present(proxy, grant(HOST, DESKTOP, Duration.ofSeconds(20)).signedWith(key()));

      assertThat(answer(proxy)).isEqualTo("OK");
      assertThat(read(proxy.getInputStream(), 12)).isEqualTo("RFB 003.008\n");
      proxy.getOutputStream().write("keys".getBytes(StandardCharsets.US_ASCII));
      assertThat(read(proxy.getInputStream(), 4)).isEqualTo("keys");
    }
    assertThat(display.connections()).isEqualTo(1);
  }

  @Test
  void refusesGrantsThatAreExpiredForAnotherHostForgedTooLongOrForADesktopWithoutDisplayHere()
      throws Exception {
    KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Map<String, String> refusals =
        Map.of(
            grant(HOST, DESKTOP, Duration.ofSeconds(-1)).signedWith(key()),
            "expired",
            grant("host-2", DESKTOP, Duration.ofSeconds(20)).signedWith(key()),
            "host-2",
            grant(HOST, DESKTOP, Duration.ofSeconds(20)).signedWith(stranger.getPrivate()),
            "not signed by the control plane",
            grant(HOST, DESKTOP, Duration.ofMinutes(10)).signedWith(key()),
            "longer than",
            grant(HOST, UUID.randomUUID(), Duration.ofSeconds(20)).signedWith(key()),
            "no display",
            "not a grant at all",
            "not a console grant");

    for (var refusal : refusals.entrySet()) {
      try (SSLSocket proxy = dial(PemTls.client(ca.caCertificate()))) {
        present(proxy, refusal.getKey());

        assertThat(answer(proxy)).startsWith("REFUSED").contains(refusal.getValue());
        assertThat(proxy.getInputStream().read()).as("closed after the refusal").isEqualTo(-1);
      }
    }
    assertThat(display.connections()).isZero();
  }

  @Test
  void aGrantOpensTheDisplayOnceAndIsRefusedWhenReplayed() throws Exception {
    String grant = grant(HOST, DESKTOP, Duration.ofSeconds(20)).signedWith(key());
    try (SSLSocket first = dial(PemTls.client(ca.caCertificate()))) {
      present(first, grant);
      assertThat(answer(first)).isEqualTo("OK");

      try (SSLSocket replay = dial(PemTls.client(ca.caCertificate()))) {
        present(replay, grant);
        assertThat(answer(replay)).isEqualTo("REFUSED the grant was used already");
      }
    }
    assertThat(display.connections()).isEqualTo(1);
  }

  @Test
  void aClientInClearOrOneThatTrustsAnotherCaReachesNothing() throws Exception {
    String grant = grant(HOST, DESKTOP, Duration.ofSeconds(20)).signedWith(key());
    try (Socket clear = new Socket("127.0.0.1", gateway.port())) {
      clear.setSoTimeout(5000);
      clear.getOutputStream().write((grant + "\n").getBytes(StandardCharsets.US_ASCII));
      byte[] reply = clear.getInputStream().readNBytes(3);
      assertThat(new String(reply, StandardCharsets.US_ASCII)).doesNotStartWith("OK");
    }
    var otherCa = new LocalCertificateAuthority(certificates.resolve("other")).create();
    try (SSLSocket misled = dial(PemTls.client(otherCa.caCertificate()))) {
      assertThatThrownBy(() -> present(misled, grant)).isInstanceOf(IOException.class);
    }
    assertThat(display.connections()).isZero();
  }

  private static ConsoleGrant grant(String host, UUID desktop, Duration valid) {
    return ConsoleGrant.of(desktop, host, "alice", Instant.now().plus(valid));
  }

  private static java.security.PrivateKey key() {
    return controlPlane.getPrivate();
  }

  private SSLSocket dial(SSLContext tls) throws IOException {
    var socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", gateway.port());
    socket.setSoTimeout(5000);
    var parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  private static void present(SSLSocket proxy, String grant) throws IOException {
    OutputStream out = proxy.getOutputStream();
    out.write((grant + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String answer(SSLSocket proxy) throws IOException {
    var line = new StringBuilder();
    for (int b; (b = proxy.getInputStream().read()) != '\n' && b >= 0; ) {
      line.append((char) b);
    }
    return line.toString();
  }

  private static String read(InputStream in, int count) throws IOException {
    return new String(in.readNBytes(count), StandardCharsets.US_ASCII);
  }

  /** A display on a unix socket: greets like RFB, then echoes; counts who connected. */
  private static final class FakeDisplay implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path path;
    private final AtomicInteger connections = new AtomicInteger();

    FakeDisplay(Path path) throws IOException {
      this.path = path;
      this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      Thread.ofVirtual().start(this::serve);
    }

    UnixDomainSocketAddress address() {
      return UnixDomainSocketAddress.of(path);
    }

    int connections() {
      return connections.get();
    }

    private void serve() {
      while (server.isOpen()) {
        try {
          SocketChannel client = server.accept();
          connections.incrementAndGet();
          Thread.ofVirtual().start(() -> echo(client));
        } catch (IOException e) {
          return;
        }
      }
    }

    private static void echo(SocketChannel client) {
      try (client) {
        client.write(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        while (client.read(buffer) >= 0) {
          buffer.flip();
          client.write(buffer);
          buffer.clear();
        }
      } catch (IOException e) {
        // the gateway went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
