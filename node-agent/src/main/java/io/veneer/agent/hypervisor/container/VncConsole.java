package io.veneer.agent.hypervisor.container;

import io.veneer.agent.v1.ConsoleEndpoint;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A container desktop's console as the agent reports it: the session's x11vnc listens on a unix
 * socket inside the container (its network namespace has nothing the host can reach), which the
 * agent's console listener relays to for a signed grant, as it does a QEMU guest's display. The
 * socket is named through {@code /proc/<pid>/root}, so a link the desktop's user puts in its place
 * resolves inside the container, never to a host socket.
 */
final class VncConsole {

  /** What an RFB server sends first; the desktop is ready once its session says it. */
  static final String RFB_VERSION = "RFB 003.008\n";

  private VncConsole() {}

  /** The session's socket, seen from the host through the container's init {@code pid}. */
  static Path socketOf(long pid) {
    return Path.of("/proc", String.valueOf(pid), "root/run/vnc.sock");
  }

  static ConsoleEndpoint endpoint(Path socket) {
    return ConsoleEndpoint.newBuilder().setProtocol("vnc").setUnixSocket(socket.toString()).build();
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
}
