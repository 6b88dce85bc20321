package io.veneer.agent.hypervisor;

import java.nio.file.Path;

/**
 * A blob a guest is made from, already in the host's image cache.
 *
 * @param digest {@code sha256:<hex>}, its identity
 * @param kind what it is to the guest
 * @param path the cached, read-only file
 */
public record ImageRef(String digest, Kind kind, Path path) {

  /** What a blob is to the guest. */
  public enum Kind {
    /** A qcow2 golden disk image, the backing file of the guest's OS overlay. */
    DISK_QCOW2,
    /** A kernel loaded by the hypervisor. */
    KERNEL,
    /** An initial ramdisk loaded beside the kernel. */
    INITRD,
    /** A root-filesystem tar, unpacked once per host and shared read-only by container guests. */
    ROOTFS_TAR
  }
}
