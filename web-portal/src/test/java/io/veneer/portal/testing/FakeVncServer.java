package io.veneer.portal.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TCP endpoint in the place of a desktop's display: an RFB 3.8 server that only offers VNC
 * Authentication with its password (RFC 6143 §7.2.2), then echoes whatever it gets, so a test sees
 * that the console proxy signed in and that bytes cross it both ways.
 */
public final class FakeVncServer implements AutoCloseable {

  public static final byte[] GREETING = "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final String password;
  private final SecureRandom random = new SecureRandom();

  public FakeVncServer(String password) {
    this.password = password;
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
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        var in = new DataInputStream(client.getInputStream());
        var out = new DataOutputStream(client.getOutputStream())) {
      out.write(GREETING);
      in.readFully(new byte[12]);
      out.write(new byte[] {1, 2}); // one security type: VNC Authentication
      if (in.readUnsignedByte() != 2) {
        return;
      }
      byte[] challenge = new byte[16];
      random.nextBytes(challenge);
      out.write(challenge);
      byte[] response = new byte[16];
      in.readFully(response);
      if (!Arrays.equals(response, expected(challenge))) {
        byte[] reason = "Authentication failed".getBytes(StandardCharsets.US_ASCII);
        out.writeInt(1);
        out.writeInt(reason.length);
        out.write(reason);
        return;
      }
      out.writeInt(0);
      out.flush();
      in.transferTo(out);
    } catch (IOException e) {
      // the proxy closed the connection
    }
  }

  private byte[] expected(byte[] challenge) {
    byte[] key = Arrays.copyOf(password.getBytes(StandardCharsets.ISO_8859_1), 8);
    for (int i = 0; i < 8; i++) {
      int b = key[i] & 0xff;
      int mirrored = 0;
      for (int bit = 0; bit < 8; bit++) {
        mirrored |= ((b >> bit) & 1) << (7 - bit);
      }
      key[i] = (byte) mirrored;
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
