package io.veneer.portal.console;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The RFB (VNC) security handshake on both sides of the console proxy, so the display's password
 * never reaches the browser: the proxy authenticates to the display itself (security type None or
 * VNC Authentication, RFC 6143 §7.1-7.2) and offers the browser only None. After it both sides
 * stand at ClientInit and the proxy relays bytes unchanged.
 */
final class RfbSecurity {

  private static final int NONE = 1;
  private static final int VNC_AUTHENTICATION = 2;

  private RfbSecurity() {}

  /** The display refused, or spoke something other than RFB 3.x; the reason is in words. */
  static final class Refused extends IOException {
    Refused(String reason) {
      super(reason);
    }
  }

  /** The browser's side, up to its security type choice; returns the protocol minor (3, 7, 8). */
  static int greetBrowser(InputStream in, OutputStream out) throws IOException {
    out.write(version(8));
    out.flush();
    int minor = minorOf(new DataInputStream(in), "the browser");
    if (minor >= 7) {
      out.write(new byte[] {1, NONE});
      out.flush();
      int chosen = in.read();
      if (chosen != NONE) {
        throw new Refused("the browser chose security type " + chosen + ", not None");
      }
    } else {
      new DataOutputStream(out).writeInt(NONE);
      out.flush();
    }
    return minor;
  }

  /** Ends the browser's handshake: security passed, or failed with {@code reason} (3.8 only). */
  static void answerBrowser(OutputStream out, int minor, String reason) throws IOException {
    var result = new ByteArrayOutputStream();
    var data = new DataOutputStream(result);
    if (reason == null) {
      if (minor >= 8) {
        data.writeInt(0);
      }
    } else if (minor >= 8) {
      byte[] words = reason.getBytes(StandardCharsets.UTF_8);
      data.writeInt(1);
      data.writeInt(words.length);
      data.write(words);
    }
    if (result.size() > 0) {
      out.write(result.toByteArray());
      out.flush();
    }
  }

  /** Authenticates to the display (None, or VNC Authentication with {@code password}). */
  static void authenticate(InputStream in, OutputStream out, String password) throws IOException {
    var data = new DataInputStream(in);
    int minor = minorOf(data, "the display");
    out.write(version(minor));
    out.flush();
    int type;
    if (minor >= 7) {
      int count = data.readUnsignedByte();
      if (count == 0) {
        throw new Refused("the display refused the connection: " + reason(data));
      }
      byte[] offered = data.readNBytes(count);
      type = choose(offered, password);
      out.write(type);
      out.flush();
    } else {
      type = data.readInt();
      if (type == 0) {
        throw new Refused("the display refused the connection: " + reason(data));
      }
      if (type != NONE && !(type == VNC_AUTHENTICATION && password != null)) {
        throw new Refused("the display wants security type " + type);
      }
    }
    if (type == VNC_AUTHENTICATION) {
      byte[] challenge = new byte[16];
      data.readFully(challenge);
      out.write(response(challenge, password));
      out.flush();
    }
    if (type == VNC_AUTHENTICATION || minor >= 8) {
      if (data.readInt() != 0) {
        throw new Refused(
            "the display refused the password: " + (minor >= 8 ? reason(data) : "no reason given"));
      }
    }
  }

  /**
   * VNC Authentication's answer: the challenge DES-encrypted with the password (RFC 6143 §7.2.2).
   */
  static byte[] response(byte[] challenge, String password) throws IOException {
    byte[] key = Arrays.copyOf(password.getBytes(StandardCharsets.ISO_8859_1), 8);
    for (int i = 0; i < key.length; i++) {
      // The key's bits go in mirrored, as in the reference implementation.
      key[i] = (byte) (Integer.reverse(key[i] & 0xff) >>> 24);
    }
    try {
      Cipher des = Cipher.getInstance("DES/ECB/NoPadding");
      des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
      return des.doFinal(challenge);
    } catch (GeneralSecurityException e) {
      throw new IOException("DES for VNC Authentication is not available", e);
    }
  }

  private static int choose(byte[] offered, String password) throws Refused {
    for (byte type : offered) {
      if (type == NONE) {
        return NONE;
      }
    }
    for (byte type : offered) {
      if (type == VNC_AUTHENTICATION && password != null) {
        return VNC_AUTHENTICATION;
      }
    }
    throw new Refused(
        "the display offers no security type the console supports " + Arrays.toString(offered));
  }

  private static byte[] version(int minor) {
    return String.format("RFB 003.%03d\n", minor).getBytes(StandardCharsets.US_ASCII);
  }

  /** 8, 7 or 3 (3.3; other minors are treated as 3.3, as RFC 6143 §7.1.1 asks). */
  private static int minorOf(DataInputStream in, String who) throws IOException {
    byte[] version = new byte[12];
    in.readFully(version);
    String text = new String(version, StandardCharsets.US_ASCII);
    if (!text.matches("RFB 003\\.\\d{3}\n")) {
      throw new Refused(who + " does not speak RFB 3.x");
    }
    int minor = Integer.parseInt(text.substring(8, 11));
    return minor >= 8 ? 8 : minor == 7 ? 7 : 3;
  }

  private static String reason(DataInputStream in) throws IOException {
    int length = in.readInt();
    return new String(in.readNBytes(Math.min(length, 4096)), StandardCharsets.UTF_8);
  }
}
