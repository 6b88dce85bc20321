package io.veneer.agent.converge;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.ImageRef;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DirectKernelBoot;
import io.veneer.agent.v1.Firmware;
import io.veneer.agent.v1.GuestNetwork;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.MachineType;
import io.veneer.grpc.TraceParent;
import java.io.IOException;
import java.util.Optional;

/** A desired desktop in the drivers' own words, with its blobs resolved to cached files. */
final class GuestSpecs {

  private final ImageDownloads images;

  GuestSpecs(ImageDownloads images) {
    this.images = images;
  }

  /** The guest's spec with its blobs in the cache; empty while one of them is being fetched. */
  Optional<GuestSpec> resolve(DesiredDesktop desktop) throws IOException {
    HardwareProfile hardware = desktop.getHardware();
    Optional<TraceParent> trace = TraceParent.parse(desktop.getTraceParent());
    boolean directKernel = hardware.getBootMode() == BootMode.BOOT_MODE_DIRECT_KERNEL;
    // A shared-root desktop's golden image is a root-filesystem tar, not a disk (the control plane
    // hands one only to pools of a root-filesystem version).
    boolean sharedRoot = hardware.getBootMode() == BootMode.BOOT_MODE_SHARED_ROOT;
    DirectKernelBoot direct = hardware.getDirectKernel();
    Optional<ImageRef> golden =
        cached(
            desktop.getGoldenImage(),
            sharedRoot ? ImageRef.Kind.ROOTFS_TAR : ImageRef.Kind.DISK_QCOW2,
            trace);
    Optional<ImageRef> kernel =
        directKernel ? cached(direct.getKernel(), ImageRef.Kind.KERNEL, trace) : Optional.empty();
    Optional<ImageRef> initrd =
        directKernel && direct.hasInitrd()
            ? cached(direct.getInitrd(), ImageRef.Kind.INITRD, trace)
            : Optional.empty();
    if (golden.isEmpty()
        || (directKernel && kernel.isEmpty())
        || (directKernel && direct.hasInitrd() && initrd.isEmpty())) {
      return Optional.empty();
    }
    BootSource boot =
        directKernel
            ? new BootSource.DirectKernel(kernel.get(), initrd.orElse(null), direct.getCmdline())
            : sharedRoot ? new BootSource.SharedRoot() : new BootSource.DiskImage();
    return Optional.of(
        new GuestSpec(
            desktop.getDesktopId(),
            new GuestSpec.Size(
                Math.max(1, desktop.getSize().getVcpus()),
                Math.max(64, desktop.getSize().getMemoryMib())),
            golden.get(),
            boot,
            hardware.getMachine() == MachineType.MACHINE_TYPE_MICROVM
                ? GuestSpec.Machine.MICROVM
                : GuestSpec.Machine.Q35,
            hardware.getFirmware() == Firmware.FIRMWARE_UEFI
                ? GuestSpec.Firmware.UEFI
                : GuestSpec.Firmware.BIOS,
            hardware.getDisplay(),
            new GuestSpec.Devices(
                desktop.hasUserDataDisk() ? desktop.getUserDataDisk().getSizeGib() : 0,
                desktop.getNetwork() == GuestNetwork.GUEST_NETWORK_OUTBOUND
                    ? GuestSpec.Network.OUTBOUND
                    : GuestSpec.Network.OFF,
                desktop.hasUserDataDisk() ? desktop.getUserDataDisk().getDiskId() : "")));
  }

  /** The blob in the cache; empty while it is fetched (in the background); thrown if it failed. */
  private Optional<ImageRef> cached(BlobRef blob, ImageRef.Kind kind, Optional<TraceParent> trace)
      throws IOException {
    return switch (images.request(blob, trace)) {
      case ImageDownloads.Availability.Ready ready ->
          Optional.of(new ImageRef(blob.getDigest(), kind, ready.path()));
      case ImageDownloads.Availability.Fetching pending -> Optional.empty();
      case ImageDownloads.Availability.Failed failed -> throw new IOException(failed.reason());
    };
  }
}
