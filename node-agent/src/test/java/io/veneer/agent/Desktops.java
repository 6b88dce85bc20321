package io.veneer.agent;

import io.veneer.agent.images.ImageCache;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DirectKernelBoot;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.MachineType;
import io.veneer.agent.v1.PowerState;
import java.io.IOException;

/** Desired desktops on the tiny golden image, its blobs seeded into an agent's cache. */
public final class Desktops {

  private final String golden;
  private final String kernel;
  private final String initrd;

  public Desktops(ImageCache cache, TinyGolden tiny) throws IOException {
    this.golden = cache.seed(tiny.golden());
    this.kernel = cache.seed(tiny.kernel());
    this.initrd = cache.seed(tiny.initrd());
  }

  public DesiredDesktop.Builder running(String id) {
    return running(id, "quiet");
  }

  public DesiredDesktop.Builder running(String id, String cmdline) {
    return bootingFromDisk(id)
        .setHardware(
            HardwareProfile.newBuilder()
                .setMachine(MachineType.MACHINE_TYPE_Q35)
                .setBootMode(BootMode.BOOT_MODE_DIRECT_KERNEL)
                .setDirectKernel(
                    DirectKernelBoot.newBuilder()
                        .setKernel(BlobRef.newBuilder().setDigest(kernel))
                        .setInitrd(BlobRef.newBuilder().setDigest(initrd))
                        .setCmdline(cmdline)));
  }

  /**
   * A q35 guest booting the golden image's disk, with a display (virtio-vga, VNC) for the console.
   */
  public DesiredDesktop.Builder withDisplay(String id) {
    return bootingFromDisk(id)
        .setHardware(
            HardwareProfile.newBuilder()
                .setMachine(MachineType.MACHINE_TYPE_Q35)
                .setBootMode(BootMode.BOOT_MODE_DISK)
                .setDisplay(true));
  }

  /**
   * A desktop with no hardware profile: a q35 guest without a display whose BIOS boots the golden
   * image's own disk (its boot partition's syslinux loads the same kernel).
   */
  public DesiredDesktop.Builder bootingFromDisk(String id) {
    return DesiredDesktop.newBuilder()
        .setDesktopId(id)
        .setSpecGeneration(1)
        .setOsDiskGeneration(1)
        .setPoolId("pool-1")
        .setGoldenImage(BlobRef.newBuilder().setDigest(golden))
        .setSize(Capacity.newBuilder().setVcpus(1).setMemoryMib(96).setDiskGib(1))
        .setPowerState(PowerState.POWER_STATE_RUNNING)
        .setPersistent(false);
  }
}
