package io.veneer.images.ova;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SequencedMap;

/** OVAs made in tests, as whoever made them chose: files in the given order, any names. */
final class TestOvas {

  private TestOvas() {}

  static Path write(Path target, SequencedMap<String, byte[]> files) throws IOException {
    try (OutputStream out = Files.newOutputStream(target)) {
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        Tar.writeHeader(out, file.getKey(), file.getValue().length);
        out.write(file.getValue());
        Tar.pad(out, file.getValue().length);
      }
      Tar.end(out);
    }
    return target;
  }

  /** Gives the n-th entry (from 0) another tar type flag, with its header's checksum fixed. */
  static Path retype(Path ova, int n, char type) throws IOException {
    byte[] bytes = Files.readAllBytes(ova);
    int offset = 0;
    for (int i = 0; i < n; i++) {
      long size = Long.parseLong(new String(bytes, offset + 124, 11, StandardCharsets.US_ASCII), 8);
      offset += (int) Tar.footprint(size);
    }
    bytes[offset + 156] = (byte) type;
    java.util.Arrays.fill(bytes, offset + 148, offset + 156, (byte) ' ');
    long sum = 0;
    for (int i = offset; i < offset + Tar.BLOCK; i++) {
      sum += bytes[i] & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, bytes, offset + 148, 8);
    return Files.write(ova, bytes);
  }
}
