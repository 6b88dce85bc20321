package io.veneer.portal.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP endpoint in the place of a desktop's display: greets like an RFB 3.8 server, then echoes
 * whatever it gets, so a test sees bytes cross the console proxy both ways.
 */
public final class FakeVncServer implements AutoCloseable {

  public static final byte[] GREETING = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;

  public FakeVncServer() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofVirtual().start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> echo(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket client) {
    try (client;
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream()) {
      out.write(GREETING);
      out.flush();
      in.transferTo(out);
    } catch (IOException e) {
      // the proxy closed the connection
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
