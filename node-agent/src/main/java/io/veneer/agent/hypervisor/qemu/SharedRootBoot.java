package io.veneer.agent.hypervisor.qemu;

import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.rootfs.GuestBootFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a shared-root guest boots: its image's root tree, unpacked once per host, shared read-only
 * over virtio-9p (tag {@value #TAG}), and the kernel and initrd the image carries in {@code
 * boot/veneer/}, booted directly. The initrd mounts the share and an overlay over it whose upper
 * lies on the desktop's own disk, so a refresh (a new, empty disk) discards every write.
 *
 * <p>virtio-9p rather than virtiofs: 9p is served by QEMU itself, so a guest stays one process that
 * outlives the agent and is re-adopted from its pidfile; virtiofs would add a virtiofsd per guest
 * to supervise and re-adopt, and put all guest memory in a shared memory backend. The tree never
 * changes under a guest (one directory per digest), which lets the guest cache it ({@code
 * cache=loose}) and makes up for most of 9p's slower lookups.
 *
 * @param tree the unpacked root tree
 */
record SharedRootBoot(Path tree) {

  /** The 9p mount tag the image's initrd mounts. */
  static final String TAG = "veneer-root";

  static final Path KERNEL = Path.of(GuestBootFiles.KERNEL_PATH);
  static final Path INITRD = Path.of(GuestBootFiles.INITRD_PATH);

  /** The tree's boot files, or why it cannot boot: a plain root filesystem has none. */
  static SharedRootBoot of(Path tree, String digest) throws HypervisorException {
    Optional<Path> missing = GuestBootFiles.missingIn(tree);
    if (missing.isPresent()) {
      throw new HypervisorException(
          "the root filesystem "
              + digest
              + " cannot boot a shared-root QEMU guest: it has no /"
              + missing.get()
              + " (a regular file, the image's own kernel and initrd for direct boot)");
    }
    return new SharedRootBoot(tree);
  }

  /**
   * The share, read-only in QEMU itself (the guest's writes fail with EROFS whatever it mounts),
   * with the host's owners and modes passed through as they are ({@code security_model=none}), and
   * the boot files.
   *
   * @param bus {@code pci} or {@code device} (microvm's virtio-mmio)
   */
  List<String> arguments(String bus) {
    return List.of(
        "-fsdev",
        "local,id=root,path=" + tree + ",security_model=none,readonly=on",
        "-device",
        "virtio-9p-" + bus + ",fsdev=root,mount_tag=" + TAG,
        "-kernel",
        tree.resolve(KERNEL).toString(),
        "-initrd",
        tree.resolve(INITRD).toString());
  }
}
