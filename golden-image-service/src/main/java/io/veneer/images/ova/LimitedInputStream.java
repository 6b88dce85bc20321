package io.veneer.images.ova;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An OVA's bytes, refused once more than {@code veneer.images.max-upload-size} arrive. */
final class LimitedInputStream extends FilterInputStream {

  private final long limit;
  private long read;

  LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long bytes) {
    read += bytes;
    if (read > limit) {
      throw new OvaRefusedException(
          "the OVA is larger than veneer.images.max-upload-size (" + limit + " bytes)");
    }
  }
}
