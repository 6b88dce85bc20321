package io.veneer.agent.hypervisor.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The backing file named in a qcow2 header, read directly (a few bytes) rather than by starting
 * {@code qemu-img info} for every overlay on every eviction pass.
 */
final class Qcow2Header {

  private static final int MAGIC = 0x514649fb;
  private static final int MAX_BACKING_NAME = 1023;

  private Qcow2Header() {}

  /** The overlay's backing file, resolved against its directory; empty for a standalone image. */
  static Optional<Path> backingFile(Path image) throws IOException {
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(20);
      if (channel.read(header, 0) < 20 || header.getInt(0) != MAGIC) {
        throw new IOException(image + " is not a qcow2 image");
      }
      long offset = header.getLong(8);
      int length = header.getInt(16);
      if (offset == 0 || length == 0) {
        return Optional.empty();
      }
      if (length < 0 || length > MAX_BACKING_NAME) {
        throw new IOException(image + " names a backing file of " + length + " bytes");
      }
      ByteBuffer name = ByteBuffer.allocate(length);
      channel.read(name, offset);
      String text = new String(name.array(), 0, name.position(), StandardCharsets.UTF_8);
      return Optional.of(image.toAbsolutePath().getParent().resolve(text).normalize());
    }
  }
}
