package io.veneer.images.rootfs;

import io.veneer.images.blobs.BlobStore;
import io.veneer.rootfs.GuestBootFiles;
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
 * directory is removed whatever the outcome. On the unpacked tree it also sees whether the archive
 * carries its own kernel and initrd, which shared-root QEMU guests boot and container desktops do
 * not need. The unpacker is plain Java with bounded reads, so unlike qemu-img it runs in the
 * service's own process.
 */
@Component
public class RootfsCheck {

  private final BlobStore blobs;
  private final RootfsUnpacker unpacker;

  RootfsCheck(BlobStore blobs, RootfsProperties properties) {
    this.blobs = blobs;
    this.unpacker = new RootfsUnpacker(properties.policy());
  }

  /**
   * What the check found.
   *
   * @param result accepted with what it holds, or refused with the entry and the rule it broke
   * @param carriesKernel whether an accepted tree carries the boot files a shared-root virtual
   *     machine boots ({@link GuestBootFiles}); false for a refused one
   */
  public record Outcome(UnpackResult result, boolean carriesKernel) {}

  public Outcome check(Path archive) throws IOException {
    Path scratch = blobs.tempFile("rootfs-check-" + UUID.randomUUID());
    try (InputStream in = Files.newInputStream(archive)) {
      UnpackResult result = unpacker.unpack(in, scratch);
      return new Outcome(
          result,
          result instanceof UnpackResult.Unpacked && GuestBootFiles.missingIn(scratch).isEmpty());
    } finally {
      Trees.delete(scratch);
    }
  }
}
