package io.veneer.agent.hypervisor.container;

import io.veneer.agent.v1.ConsoleEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * A container desktop's console as the agent reports it: the session's x11vnc listens on a unix
 * socket inside the container (its network namespace has nothing the host can reach), and this
 * bridge serves it on 127.0.0.1 at a port the kernel picks, like the qemu driver's VNC. The socket
 * is reached through {@code /proc/<pid>/root}, so a link the desktop's user puts in its place
 * resolves inside the container, never to a host socket. The one place to change when consoles move
 * to unix sockets end to end.
 */
final class VncConsole implements AutoCloseable {

  /** What an RFB server sends first; the desktop is ready once its session says it. */
  static final String RFB_VERSION = "RFB 003.008\n";

  private static final Logger log = Logger.getLogger(VncConsole.class.getName());

  private final Path socket;
  private final String password;
  private final ServerSocketChannel listener;

  private VncConsole(Path socket, String password, ServerSocketChannel listener) {
    this.socket = socket;
    this.password = password;
    this.listener = listener;
  }

  /** Serves the session's socket on a free loopback port until closed. */
  static VncConsole open(Path socket, String password) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    VncConsole console = new VncConsole(socket, password, listener);
    Thread.ofVirtual().name("vnc-console-" + console.port()).start(console::accept);
    return console;
  }

  ConsoleEndpoint endpoint() {
    return ConsoleEndpoint.newBuilder()
        .setHost("127.0.0.1")
        .setPort(port())
        .setPassword(password)
        .setProtocol("vnc")
        .build();
  }

  /** Whether the session's VNC server greets a connection with its RFB version within a second. */
  static boolean answersRfb(Path socket) {
    byte[] expected = RFB_VERSION.getBytes(StandardCharsets.US_ASCII);
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        Selector selector = Selector.open()) {
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ);
      ByteBuffer greeting = ByteBuffer.allocate(expected.length);
      long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      while (greeting.hasRemaining()) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        selector.select(left);
        selector.selectedKeys().clear();
        if (channel.read(greeting) < 0) {
          return false;
        }
      }
      return Arrays.equals(greeting.array(), expected);
    } catch (IOException e) {
      return false;
    }
  }

  private int port() {
    try {
      return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("the console's listener is closed", e);
    }
  }

  private void accept() {
    while (listener.isOpen()) {
      try {
        SocketChannel viewer = listener.accept();
        Thread.ofVirtual().start(() -> carry(viewer));
      } catch (IOException e) {
        if (listener.isOpen()) {
          log.warning("event=console-accept-failed socket=" + socket + " reason=" + e.getMessage());
        }
        return;
      }
    }
  }

  /** Carries one viewer's connection to the session and back, until either side closes. */
  private void carry(SocketChannel viewer) {
    try (viewer;
        SocketChannel session = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      session.connect(UnixDomainSocketAddress.of(socket));
      Thread back = Thread.ofVirtual().start(() -> pump(session, viewer));
      pump(viewer, session);
      back.join();
    } catch (IOException e) {
      log.fine("event=console-connection-failed socket=" + socket + " reason=" + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // The other side closed; closing both below ends the other direction too.
    }
    try {
      to.shutdownOutput();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      log.fine("event=console-close-failed socket=" + socket + " reason=" + e.getMessage());
    }
  }
}
