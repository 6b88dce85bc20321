package io.veneer.images.ova;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The POSIX ustar subset an OVA is (OVF 2.x, section 5.3): plain files in a flat archive. Written
 * and read here rather than by a general tar library so that nothing but plain files with plain
 * names can come in: links, directories, devices and pax or GNU long-name headers are refused, and
 * nothing is ever extracted under a name the archive chose.
 */
final class Tar {

  static final int BLOCK = 512;
  private static final int NAME_BYTES = 100;
  // Sizes up to 8 GiB - 1 fit ustar's 11 octal digits; larger ones use GNU's base-256 form, which
  // GNU tar, bsdtar, VirtualBox and ovftool read.
  private static final long LARGEST_OCTAL_SIZE = (1L << 33) - 1;

  private Tar() {}

  /** One plain file's header as it was read. */
  record Entry(String name, long size) {}

  /** Writes a plain file's header; the caller writes {@code size} bytes and then {@link #pad}. */
  static void writeHeader(OutputStream out, String name, long size) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    if (nameBytes.length >= NAME_BYTES
        || !name.equals(new String(nameBytes, StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException("'" + name + "' is not a short ASCII file name");
    }
    byte[] header = new byte[BLOCK];
    System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
    octal(header, 100, 8, 0644);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    if (size <= LARGEST_OCTAL_SIZE) {
      octal(header, 124, 12, size);
    } else {
      header[124] = (byte) 0x80;
      for (int i = 0; i < 8; i++) {
        header[135 - i] = (byte) (size >>> (8 * i));
      }
    }
    octal(header, 136, 12, 0);
    header[156] = '0';
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    octal(header, 148, 7, sum);
    header[155] = ' ';
    out.write(header);
  }

  /** Zeros up to the next block after {@code size} bytes of content. */
  static void pad(OutputStream out, long size) throws IOException {
    out.write(new byte[padding(size)]);
  }

  /** The two zero blocks that end an archive. */
  static void end(OutputStream out) throws IOException {
    out.write(new byte[2 * BLOCK]);
  }

  /** Bytes a file of {@code size} takes in an archive, header and padding included. */
  static long footprint(long size) {
    return BLOCK + size + padding(size);
  }

  static int padding(long size) {
    return (int) ((BLOCK - size % BLOCK) % BLOCK);
  }

  /**
   * The next entry's header, or empty at the end of the archive.
   *
   * @throws OvaRefusedException when it is not a plain file with a plain name, or corrupt
   */
  static Optional<Entry> readHeader(InputStream in) throws IOException {
    byte[] header = in.readNBytes(BLOCK);
    if (header.length == 0) {
      return Optional.empty();
    }
    if (header.length < BLOCK) {
      throw new OvaRefusedException("the archive ends inside a header: the OVA is truncated");
    }
    if (isZero(header)) {
      return Optional.empty();
    }
    if (!new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      throw new OvaRefusedException("the archive is not a ustar archive, as an OVA must be");
    }
    long stored = parseOctal(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
    }
    if (stored != sum) {
      throw new OvaRefusedException("a header of the archive has a wrong checksum: it is corrupt");
    }
    String name = cString(header, 0, NAME_BYTES);
    String prefix = cString(header, 345, 155);
    char type = (char) header[156];
    if (type != '0' && type != 0) {
      throw new OvaRefusedException(
          "the archive holds '"
              + name
              + "', which is not a plain file (type '"
              + type
              + "'): an OVA holds plain files only");
    }
    if (!prefix.isEmpty()) {
      throw new OvaRefusedException(
          "the archive holds '" + prefix + "/" + name + "' in a directory: an OVA is flat");
    }
    long size =
        (header[124] & 0x80) != 0 ? parseBase256(header, 124, 12) : parseOctal(header, 124, 12);
    return Optional.of(new Entry(name, size));
  }

  /** Skips an entry's content and padding. */
  static void skip(InputStream in, long size) throws IOException {
    long remaining = size + padding(size);
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the OVA ends inside a file");
        }
        skipped = 1;
      }
      remaining -= skipped;
    }
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  private static long parseOctal(byte[] header, int offset, int length) {
    String text = cString(header, offset, length).trim();
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '7')) {
      throw new OvaRefusedException(
          "a header of the archive has a malformed number: it is corrupt");
    }
    return Long.parseLong(text, 8);
  }

  private static long parseBase256(byte[] header, int offset, int length) {
    for (int i = offset + 1; i < offset + length - 8; i++) {
      if (header[i] != 0) {
        throw new OvaRefusedException("a file of the archive claims a size beyond 2^63 bytes");
      }
    }
    long value = 0;
    for (int i = offset + length - 8; i < offset + length; i++) {
      value = value << 8 | header[i] & 0xff;
    }
    if (value < 0) {
      throw new OvaRefusedException("a file of the archive claims a size beyond 2^63 bytes");
    }
    return value;
  }

  private static String cString(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
