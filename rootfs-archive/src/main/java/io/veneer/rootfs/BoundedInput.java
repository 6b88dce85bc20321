package io.veneer.rootfs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Stops a tar stream (after decompression) at a byte limit, so a bomb is cut off, not inflated;
 * and, within it, a window of reads (one entry's headers), because the tar reader holds long names
 * and PAX records in memory whole.
 */
final class BoundedInput extends FilterInputStream {

  /** Thrown through the tar reader, which may wrap it; {@link #find} finds it again. */
  static final class LimitExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    private final boolean inWindow;

    LimitExceeded(boolean inWindow) {
      super(inWindow ? "too many bytes of headers" : "too many bytes of archive");
      this.inWindow = inWindow;
    }

    boolean inWindow() {
      return inWindow;
    }
  }

  private final long limit;
  private long count;
  private long windowEnd = Long.MAX_VALUE;

  BoundedInput(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  /** The limit the failure {@code e} stopped at, if that is what it was. */
  static LimitExceeded find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LimitExceeded exceeded) {
        return exceeded;
      }
    }
    return null;
  }

  /** Allows only {@code bytes} more until {@link #closeWindow}. */
  void openWindow(long bytes) {
    windowEnd = count + bytes;
  }

  void closeWindow() {
    windowEnd = Long.MAX_VALUE;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(n);
    if (skipped > 0) {
      counted(skipped);
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void counted(long n) throws LimitExceeded {
    count += n;
    if (count > limit) {
      throw new LimitExceeded(false);
    }
    if (count > windowEnd) {
      throw new LimitExceeded(true);
    }
  }
}
