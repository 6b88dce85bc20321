package io.veneer.agent.hypervisor;

/** Where a guest's kernel comes from. */
public sealed interface BootSource {

  /** The kinds, as drivers declare them in their {@link DriverCapabilities}. */
  enum Kind {
    DISK_IMAGE,
    DIRECT_KERNEL,
    SHARED_ROOT
  }

  Kind kind();

  /** The firmware boots the OS disk (an overlay of the golden image). */
  record DiskImage() implements BootSource {
    @Override
    public Kind kind() {
      return Kind.DISK_IMAGE;
    }
  }

  /**
   * The hypervisor loads a kernel (and initrd) itself; the OS disk is still attached.
   *
   * @param kernel the kernel
   * @param initrd the initial ramdisk, or null
   * @param cmdline the kernel command line
   */
  record DirectKernel(ImageRef kernel, ImageRef initrd, String cmdline) implements BootSource {
    @Override
    public Kind kind() {
      return Kind.DIRECT_KERNEL;
    }
  }

  /**
   * No kernel of its own: the guest is a set of the host's namespaces whose root is an overlay of
   * the image's root filesystem ({@link ImageRef.Kind#ROOTFS_TAR}), shared read-only.
   */
  record SharedRoot() implements BootSource {
    @Override
    public Kind kind() {
      return Kind.SHARED_ROOT;
    }
  }
}
