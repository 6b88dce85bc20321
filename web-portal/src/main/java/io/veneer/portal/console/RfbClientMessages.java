package io.veneer.portal.console;

/**
 * Follows what a browser sends a display after the security handshake (RFC 6143 §7.3.1 ClientInit,
 * then the client messages of §7.5), byte by byte as it streams past, to tell keyboard (KeyEvent,
 * type 4) and pointer (PointerEvent, type 5) input from the rest. It only reads: the bytes are
 * relayed unchanged. A message type it does not know ends its following, since its length is
 * unknown; from then on it reports nothing.
 */
final class RfbClientMessages {

  /** Told of each input message. */
  interface Listener {
    void input();
  }

  private static final int KEY_EVENT = 4;
  private static final int POINTER_EVENT = 5;

  private final Listener listener;
  // The message being read: its bytes so far (up to 8, enough for every length field).
  private final byte[] head = new byte[8];
  private int read;
  // Its whole length once known; 0 while not yet known.
  private long length = 1; // ClientInit: one byte (shared flag)
  private boolean lost;

  RfbClientMessages(Listener listener) {
    this.listener = listener;
  }

  /** Follows {@code count} more bytes of the browser's stream. */
  void follow(byte[] bytes, int offset, int count) {
    for (int i = offset; i < offset + count && !lost; i++) {
      if (read < head.length) {
        head[read] = bytes[i];
      }
      read++;
      if (length == 0) {
        length = lengthOf(read);
      }
      if (length > 0 && read == length) {
        int type = head[0] & 0xff;
        if (type == KEY_EVENT || type == POINTER_EVENT) {
          listener.input();
        }
        read = 0;
        length = 0;
      }
    }
  }

  /** Whether it stopped following at a message type it does not know. */
  boolean lost() {
    return lost;
  }

  /** The length of the message whose first {@code have} bytes were read; 0 while unknown. */
  private long lengthOf(int have) {
    int type = head[0] & 0xff;
    return switch (type) {
      case 0 -> 20; // SetPixelFormat
      case 2 -> have < 4 ? 0 : 4 + 4L * (((head[2] & 0xff) << 8) | (head[3] & 0xff)); // encodings
      case 3 -> 10; // FramebufferUpdateRequest
      case KEY_EVENT -> 8;
      case POINTER_EVENT -> 6;
      // ClientCutText: a signed length, negative for the extended clipboard's (its absolute value).
      case 6 -> have < 8 ? 0 : 8 + Math.abs((long) readInt(4));
      default -> {
        lost = true;
        yield -1;
      }
    };
  }

  private int readInt(int at) {
    return ((head[at] & 0xff) << 24)
        | ((head[at + 1] & 0xff) << 16)
        | ((head[at + 2] & 0xff) << 8)
        | (head[at + 3] & 0xff);
  }
}
