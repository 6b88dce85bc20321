package io.veneer.images.boot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Checks that a file is a kernel QEMU can boot directly on x86-64, or an initrd: by its headers,
 * read with bounds checks only (the file is untrusted and never executed here).
 */
final class BootFileFormat {

  private static final int ELF_CLASS_64 = 2;
  private static final int ELF_LITTLE_ENDIAN = 1;
  private static final int ELF_MACHINE_X86_64 = 62;
  private static final int PT_NOTE = 4;
  private static final int MAX_PROGRAM_HEADERS = 256;
  private static final int MAX_NOTE_BYTES = 1 << 20;

  /** XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit PVH entry point QEMU boots an ELF kernel through. */
  private static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;

  private BootFileFormat() {}

  /**
   * What kind of kernel the file is ({@code elf-pvh} or {@code bzimage}).
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static String kernel(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer head = read(channel, 0, 0x206);
      if (head.remaining() >= 64 && head.getInt(0) == 0x464c457f) {
        return elf(channel, head);
      }
      if (head.remaining() >= 0x206
          && (head.getShort(0x1fe) & 0xffff) == 0xaa55
          && head.getInt(0x202) == 0x53726448) {
        return "bzimage";
      }
      throw new IllegalArgumentException(
          "the kernel is neither an ELF (an uncompressed vmlinux) nor a bzImage (no 'HdrS' boot"
              + " header at offset 0x202)");
    }
  }

  private static String elf(FileChannel channel, ByteBuffer header) throws IOException {
    if (header.get(4) != ELF_CLASS_64
        || header.get(5) != ELF_LITTLE_ENDIAN
        || header.getShort(18) != ELF_MACHINE_X86_64) {
      throw new IllegalArgumentException(
          "the kernel is an ELF file, but not a little-endian 64-bit x86-64 one");
    }
    long phoff = header.getLong(32);
    int phentsize = header.getShort(54) & 0xffff;
    int phnum = header.getShort(56) & 0xffff;
    if (phoff < 0 || phentsize < 56 || phnum > MAX_PROGRAM_HEADERS) {
      throw new IllegalArgumentException("the kernel's ELF program headers are malformed");
    }
    for (int i = 0; i < phnum; i++) {
      ByteBuffer ph = read(channel, phoff + (long) i * phentsize, 56);
      if (ph.remaining() < 56) {
        throw new IllegalArgumentException("the kernel's ELF program headers are cut short");
      }
      if (ph.getInt(0) == PT_NOTE && hasPvhEntry(read(channel, ph.getLong(8), ph.getLong(32)))) {
        return "elf-pvh";
      }
    }
    throw new IllegalArgumentException(
        "the kernel is an ELF file without the PVH entry note (Xen note type 0x12) QEMU boots an"
            + " ELF kernel through; use a kernel built with CONFIG_PVH, or its bzImage");
  }

  private static boolean hasPvhEntry(ByteBuffer notes) {
    while (notes.remaining() >= 12) {
      long nameSize = notes.getInt() & 0xffffffffL;
      long descSize = notes.getInt() & 0xffffffffL;
      int type = notes.getInt();
      long namePadded = (nameSize + 3) & ~3L;
      long descPadded = (descSize + 3) & ~3L;
      if (namePadded + descPadded > notes.remaining()) {
        return false;
      }
      byte[] name = new byte[(int) nameSize];
      notes.get(name);
      notes.position(notes.position() + (int) (namePadded - nameSize + descPadded));
      if (type == XEN_ELFNOTE_PHYS32_ENTRY
          && "Xen\0".equals(new String(name, StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks that the file is an initrd: a cpio archive (newc), or one compressed in a way Linux
   * unpacks.
   *
   * @throws IllegalArgumentException when it is not
   */
  static String initrd(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer head = read(channel, 0, 6);
      byte[] magic = new byte[head.remaining()];
      head.get(magic);
      String hex = HexFormat.of().formatHex(magic);
      for (String[] known : INITRD_MAGICS) {
        if (hex.startsWith(known[1])) {
          return known[0];
        }
      }
      throw new IllegalArgumentException(
          "the initrd is not a cpio archive, nor one compressed with gzip, xz, zstd, lz4, bzip2"
              + " or lzma");
    }
  }

  private static final String[][] INITRD_MAGICS = {
    {"cpio", HexFormat.of().formatHex("07070".getBytes(StandardCharsets.US_ASCII))},
    {"gzip", "1f8b"},
    {"xz", "fd377a585a00"},
    {"zstd", "28b52ffd"},
    {"lz4", "02214c18"},
    {"bzip2", "425a68"},
    {"lzma", "5d0000"},
  };

  /** Up to {@code length} bytes at {@code offset}, little-endian; fewer at the end of the file. */
  private static ByteBuffer read(FileChannel channel, long offset, long length) throws IOException {
    if (offset < 0 || length < 0 || offset >= channel.size()) {
      return ByteBuffer.allocate(0);
    }
    int wanted = (int) Math.min(Math.min(length, MAX_NOTE_BYTES), channel.size() - offset);
    ByteBuffer buffer = ByteBuffer.allocate(wanted).order(ByteOrder.LITTLE_ENDIAN);
    int read = 0;
    while (buffer.hasRemaining() && read >= 0) {
      read = channel.read(buffer, offset + buffer.position());
    }
    return buffer.flip();
  }
}
