package io.veneer.agent.hypervisor;

import static io.veneer.agent.QemuImages.bytesHeldByTheOverlayItself;
import static io.veneer.agent.QemuImages.guestProcesses;
import static io.veneer.agent.QemuImages.qemuIo;

import io.veneer.agent.TinyGolden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The driver contract for drivers whose guests are QEMU processes on qcow2 disks in {@code
 * <data>/desktops/<id>/}: the tiny golden image booted directly (its uncompressed kernel, which
 * QEMU enters through the PVH note, its initrd and command line), disks read with QEMU's own tools,
 * guests found among the host's processes.
 */
abstract class QemuGuestContract extends DriverContract {

  private static final String DIGEST = "sha256:" + "0".repeat(64);

  /** The tiny golden image's files as the driver's guests may read them. */
  protected abstract TinyGolden images() throws Exception;

  @Override
  protected GuestSpec desktop(String desktopId, boolean userData) throws Exception {
    return booting(desktopId, "quiet", userData);
  }

  /** The kernel finds no init to run and panics; the guest ends with it (panic=1, no reboot). */
  @Override
  protected GuestSpec crashing(String desktopId) throws Exception {
    return booting(desktopId, "rdinit=/no-such-init init=/no-such-init", false);
  }

  @Override
  protected String crashLogLine() {
    return "Kernel panic - not syncing:";
  }

  private GuestSpec booting(String desktopId, String cmdline, boolean userData) throws Exception {
    TinyGolden tiny = images();
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 96),
        new ImageRef(DIGEST, ImageRef.Kind.DISK_QCOW2, tiny.golden()),
        new BootSource.DirectKernel(
            new ImageRef(DIGEST, ImageRef.Kind.KERNEL, tiny.vmlinux()),
            new ImageRef(DIGEST, ImageRef.Kind.INITRD, tiny.initrd()),
            cmdline),
        GuestSpec.Machine.Q35,
        GuestSpec.Firmware.BIOS,
        false,
        new GuestSpec.Devices(userData ? 1 : 0, GuestSpec.Network.OFF));
  }

  @Override
  protected boolean osDiskHoldsWrites(String desktopId) throws Exception {
    return bytesHeldByTheOverlayItself(disk(desktopId, "os")) > 0;
  }

  @Override
  protected void writeUserData(String desktopId, byte pattern) throws Exception {
    qemuIo(disk(desktopId, "userdata"), "-c", "write -P " + pattern + " 0 64k");
  }

  @Override
  protected boolean userDataHolds(String desktopId, byte pattern) throws Exception {
    String read =
        qemuIo(disk(desktopId, "userdata"), "-r", "-U", "-c", "read -P " + pattern + " 0 64k");
    return read.contains("read 65536/65536 bytes") && !read.contains("Pattern verification failed");
  }

  @Override
  protected Set<String> runningGuests(String desktopId) {
    return guestProcesses(disk(desktopId, "os"));
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(90);
  }

  private Path disk(String desktopId, String name) {
    return host.resolve("desktops/" + desktopId + "/" + name + ".qcow2");
  }
}
