package io.veneer.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy to a port that drops the connection once, when the client has sent a given
 * number of bytes through it: a connection that breaks in the middle of an upload.
 */
public final class CuttingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int target;
  private final long cutAfter;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicBoolean cut = new AtomicBoolean();

  public CuttingProxy(int target, long cutAfter) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = target;
    this.cutAfter = cutAfter;
    Thread.ofVirtual().start(this::accept);
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Whether it has dropped the connection yet. */
  public boolean hasCut() {
    return cut.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        Thread.ofVirtual().start(() -> pipe(client, server, true));
        Thread.ofVirtual().start(() -> pipe(server, client, false));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pipe(Socket from, Socket to, boolean upstream) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (upstream && sent.addAndGet(n) > cutAfter && cut.compareAndSet(false, true)) {
          from.setSoLinger(true, 0);
          from.close();
          to.close();
          return;
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException ended) {
      // One side went away: the other follows.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already gone.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
