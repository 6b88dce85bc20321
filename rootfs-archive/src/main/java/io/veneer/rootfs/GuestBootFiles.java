package io.veneer.rootfs;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The boot files a root tree carries for a shared-root virtual machine, which boots the tree's own
 * kernel and initrd directly: {@value #KERNEL_PATH} and {@value #INITRD_PATH}, regular files (a
 * link is not followed). A tree for container desktops needs neither, since they run on the host's
 * kernel. The one place the image service (recording at upload whether a version carries them) and
 * the QEMU driver (booting them) read the convention from.
 */
public final class GuestBootFiles {

  public static final String KERNEL_PATH = "boot/veneer/vmlinux";
  public static final String INITRD_PATH = "boot/veneer/initrd.img";

  private GuestBootFiles() {}

  /** The first boot file the tree lacks (relative to it), or empty when it carries both. */
  public static Optional<Path> missingIn(Path tree) {
    for (String file : List.of(KERNEL_PATH, INITRD_PATH)) {
      if (!Files.isRegularFile(tree.resolve(file), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(Path.of(file));
      }
    }
    return Optional.empty();
  }
}
