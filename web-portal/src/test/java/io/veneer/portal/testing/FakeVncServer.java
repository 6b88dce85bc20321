package io.veneer.portal.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A desktop's display as it is behind its agent's console listener: an RFB 3.8 server that offers
 * security type None, then echoes whatever it gets, so a test sees that bytes cross the console
 * proxy and the listener both ways.
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

  public SocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void serve(Socket client) {
    try (client;
        var in = new DataInputStream(client.getInputStream());
        var out = new DataOutputStream(client.getOutputStream())) {
      out.write(GREETING);
      in.readFully(new byte[12]);
      out.write(new byte[] {1, 1}); // one security type: None
      if (in.readUnsignedByte() != 1) {
        return;
      }
      out.writeInt(0);
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
