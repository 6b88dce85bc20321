package io.veneer.testsupport.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that can be cut and restored, to make a server "go away for a while" without
 * stopping it: {@link #cut()} closes the listener and every open connection; {@link #loseReplies()}
 * keeps passing requests on but drops what the server answers, so the server acts on requests whose
 * senders never learn it did.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile int targetPort;
  private volatile ServerSocket listener;
  private volatile boolean repliesLost;

  private TcpProxy(int port) {
    this.port = port;
  }

  /**
   * Reserves a loopback port; call {@link #restore()} to listen and {@link #forwardTo} to forward.
   */
  public static TcpProxy onFreePort() {
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return new TcpProxy(probe.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /**
   * Forwards connections to the given loopback port; connections accepted before this wait for it.
   */
  public TcpProxy forwardTo(int target) {
    this.targetPort = target;
    return this;
  }

  /** The port connections are forwarded to (0 before {@link #forwardTo}). */
  public int targetPort() {
    return targetPort;
  }

  /**
   * Accepts connections again after {@link #cut()}; after {@link #loseReplies()}, passes replies on
   * again, on new connections (those that lost replies are closed: their streams are torn).
   */
  public synchronized void restore() {
    if (repliesLost) {
      repliesLost = false;
      closeConnections();
    }
    if (listener != null) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      listener = socket;
      Thread.ofVirtual().name("tcp-proxy-accept-" + port).start(() -> accept(socket));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not listen on proxy port " + port, e);
    }
  }

  /** Closes the listener and every connection, as if the server had gone away. */
  public synchronized void cut() {
    closeQuietly(listener);
    listener = null;
    closeConnections();
  }

  /**
   * From now until {@link #restore()}, what the server sends back is dropped, while what clients
   * send still reaches it: a link that fails after the request, the case where a client cannot know
   * whether its request was carried out.
   */
  public void loseReplies() {
    repliesLost = true;
  }

  private void closeConnections() {
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  @Override
  public void close() {
    cut();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), awaitTarget());
        } catch (IOException unreachable) {
          // The target is gone: the client hears so at once instead of waiting on a dead socket.
          closeQuietly(client);
          continue;
        }
        sockets.add(client);
        sockets.add(server);
        pump(client, server, false);
        pump(server, client, true);
      } catch (IOException e) {
        if (!socket.isClosed()) {
          continue;
        }
        return;
      }
    }
  }

  private int awaitTarget() throws IOException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (targetPort == 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while waiting for the proxy's target", e);
      }
    }
    if (targetPort == 0) {
      throw new IOException("The proxy on port " + port + " was never given a target");
    }
    return targetPort;
  }

  private void pump(Socket from, Socket to, boolean replies) {
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  if (replies && repliesLost) {
                    continue;
                  }
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // The other side or cut() closed the connection: fall through and close both.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
              }
            });
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // Closing is best effort: the socket may already be gone.
    }
  }
}
