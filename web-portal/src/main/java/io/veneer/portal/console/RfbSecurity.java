package io.veneer.portal.console;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RFB (VNC) security handshake on both sides of the console proxy (RFC 6143 §7.1-7.2): the
 * display is behind its agent's console listener, which the proxy passed with a grant, so both
 * sides use security type None. After it both sides stand at ClientInit and the proxy relays bytes
 * unchanged.
 */
final class RfbSecurity {

  private static final int NONE = 1;

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

  /**
   * Opens the display with security type None: it sits behind its agent's console listener, which
   * admitted the proxy's grant; a display that wants a password is refused.
   */
  static void authenticate(InputStream in, OutputStream out) throws IOException {
    var data = new DataInputStream(in);
    int minor = minorOf(data, "the display");
    out.write(version(minor));
    out.flush();
    if (minor >= 7) {
      int count = data.readUnsignedByte();
      if (count == 0) {
        throw new Refused("the display refused the connection: " + reason(data));
      }
      byte[] offered = data.readNBytes(count);
      for (byte type : offered) {
        if (type == NONE) {
          out.write(NONE);
          out.flush();
          if (minor >= 8 && data.readInt() != 0) {
            throw new Refused("the display refused the connection: " + reason(data));
          }
          return;
        }
      }
      throw new Refused(
          "the display offers no security type the console supports " + Arrays.toString(offered));
    }
    int type = data.readInt();
    if (type == 0) {
      throw new Refused("the display refused the connection: " + reason(data));
    }
    if (type != NONE) {
      throw new Refused("the display wants security type " + type);
    }
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
