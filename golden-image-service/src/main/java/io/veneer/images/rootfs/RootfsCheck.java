package io.veneer.images.rootfs;

import io.veneer.images.blobs.BlobStore;
import io.veneer.rootfs.RootfsUnpacker;
import io.veneer.rootfs.Trees;
import io.veneer.rootfs.UnpackResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Checks an uploaded root-filesystem archive the way every agent will unpack it: rootfs-archive
 * unpacks it into a scratch directory in the blob store's temp area (so the paths, links, device
 * nodes, setuid bits and sizes are judged by the same code, on a real filesystem), and the scratch
 * directory is removed whatever the outcome. The unpacker is plain Java with bounded reads, so
 * unlike qemu-img it runs in the service's own process.
 */
@Component
public class RootfsCheck {

  private final BlobStore blobs;
  private final RootfsUnpacker unpacker;

  RootfsCheck(BlobStore blobs, RootfsProperties properties) {
    this.blobs = blobs;
    this.unpacker = new RootfsUnpacker(properties.policy());
  }

  /** Accepted with what it holds, or refused with the entry and the rule it broke. */
  public UnpackResult check(Path archive) throws IOException {
    Path scratch = blobs.tempFile("rootfs-check-" + UUID.randomUUID());
    try (InputStream in = Files.newInputStream(archive)) {
      return unpacker.unpack(in, scratch);
    } finally {
      Trees.delete(scratch);
    }
  }
}
