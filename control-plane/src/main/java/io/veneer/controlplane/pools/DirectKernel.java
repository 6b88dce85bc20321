package io.veneer.controlplane.pools;

/**
 * The kernel a golden version carries for direct kernel boot, as agents fetch it: blobs by digest
 * from the golden image service, and the image's kernel command line.
 *
 * @param kernelDigest {@code sha256:<hex>}; empty when the version carries no kernel
 * @param initrdDigest {@code sha256:<hex>}; empty when it carries no initrd
 * @param cmdline the kernel command line (agents add the console)
 */
public record DirectKernel(String kernelDigest, String initrdDigest, String cmdline) {

  public static final DirectKernel NONE = new DirectKernel("", "", "");

  public DirectKernel {
    kernelDigest = kernelDigest == null ? "" : kernelDigest;
    initrdDigest = initrdDigest == null ? "" : initrdDigest;
    cmdline = cmdline == null ? "" : cmdline;
  }

  public boolean present() {
    return !kernelDigest.isEmpty();
  }
}
