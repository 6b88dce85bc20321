package io.veneer.agent.hypervisor;

import io.veneer.rootfs.RootfsUnpacker;
import io.veneer.rootfs.Trees;
import io.veneer.rootfs.UnpackPolicy;
import io.veneer.rootfs.UnpackResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The overlay lower directories of a host: each root-filesystem archive unpacked once, by digest,
 * into {@code <data>/rootfs/<hex>/}, and shared read-only by every desktop of that image: container
 * desktops mount it as their overlay's lower directory, shared-root QEMU guests over virtio-9p. An
 * archive is unpacked beside its final place and renamed into it whole, so a lower directory that
 * exists is complete; rootfs-archive refuses hostile archives with the entry and the reason.
 */
public final class RootfsLayers {

  private static final Logger log = Logger.getLogger(RootfsLayers.class.getName());

  private final Path root;
  private final RootfsUnpacker unpacker = new RootfsUnpacker(UnpackPolicy.STRICT);

  public RootfsLayers(Path dataDir) {
    this.root = dataDir.resolve("rootfs");
  }

  /** The image's lower directory, unpacked now if this host has none yet. */
  public synchronized Path lower(ImageRef image) throws HypervisorException {
    if (image.kind() != ImageRef.Kind.ROOTFS_TAR) {
      throw new HypervisorException(
          "a shared-root desktop needs a root-filesystem archive, not a "
              + image.kind()
              + " image");
    }
    Path lower = lowerOf(image.digest());
    if (Files.isDirectory(lower)) {
      return lower;
    }
    Path partial = root.resolve(".partial-" + lower.getFileName());
    try {
      Files.createDirectories(root);
      Trees.delete(partial);
      long began = System.nanoTime();
      UnpackResult result;
      try (InputStream archive = Files.newInputStream(image.path())) {
        result = unpacker.unpack(archive, partial);
      }
      switch (result) {
        case UnpackResult.Refused refused ->
            throw new HypervisorException(
                "the root filesystem "
                    + image.digest()
                    + " is refused: "
                    + refused.refusal().sentence());
        case UnpackResult.Unpacked unpacked -> {
          Files.move(partial, lower, StandardCopyOption.ATOMIC_MOVE);
          log.info(
              "event=rootfs-unpacked digest="
                  + image.digest()
                  + " entries="
                  + unpacked.summary().entries()
                  + " ms="
                  + (System.nanoTime() - began) / 1_000_000);
        }
      }
      return lower;
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot unpack the root filesystem " + image.digest() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes every lower directory whose digest is not in {@code inUse}; the caller holds this
   * object's lock while it also reads which desktops use which.
   */
  public void removeAllBut(Set<String> inUse) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    Set<Path> kept = new HashSet<>();
    for (String digest : inUse) {
      kept.add(lowerOf(digest));
    }
    try (Stream<Path> lowers = Files.list(root)) {
      for (Path lower : lowers.toList()) {
        if (!kept.contains(lower) && lower.getFileName().toString().matches("[0-9a-f]{64}")) {
          Trees.delete(lower);
          log.info("event=rootfs-removed digest=sha256:" + lower.getFileName());
        }
      }
    }
  }

  /** Where the image of that digest is (or would be) unpacked. */
  public Path lowerOf(String digest) {
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("'" + digest + "' is not a sha256 digest");
    }
    return root.resolve(digest.substring("sha256:".length()));
  }
}
