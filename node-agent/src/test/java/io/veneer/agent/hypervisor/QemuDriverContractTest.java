package io.veneer.agent.hypervisor;

import static io.veneer.agent.QemuImages.bytesHeldByTheOverlayItself;
import static io.veneer.agent.QemuImages.qemuIo;

import io.veneer.agent.TinyGolden;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/** Real QEMU guests (TCG here) of the tiny golden image keep the driver contract. */
@NeedsHost(HostTool.QEMU)
class QemuDriverContractTest extends DriverContract {

  private static final String DIGEST = "sha256:" + "0".repeat(64);

  @Override
  protected Hypervisor open(Path host) {
    return new QemuHypervisor(
        host, "qemu-system-x86_64", "qemu-img", "VENEER GUEST READY", GuestEgress.NONE);
  }

  @Override
  protected GuestSpec desktop(String desktopId, boolean userData) throws IOException {
    return booting(desktopId, "quiet", userData);
  }

  /** The kernel finds no init to run and panics; QEMU ends with it (panic=1, no reboot). */
  @Override
  protected GuestSpec crashing(String desktopId) throws IOException {
    return booting(desktopId, "rdinit=/no-such-init init=/no-such-init", false);
  }

  @Override
  protected String crashLogLine() {
    return "Kernel panic - not syncing:";
  }

  private static GuestSpec booting(String desktopId, String cmdline, boolean userData)
      throws IOException {
    TinyGolden tiny = TinyGolden.get();
    return new GuestSpec(
        desktopId,
        new GuestSpec.Size(1, 96),
        new ImageRef(DIGEST, ImageRef.Kind.DISK_QCOW2, tiny.golden()),
        new BootSource.DirectKernel(
            new ImageRef(DIGEST, ImageRef.Kind.KERNEL, tiny.kernel()),
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

  /** The QEMU processes running this desktop's OS disk, each by pid and start time. */
  @Override
  protected Set<String> runningGuests(String desktopId) {
    String disk = disk(desktopId, "os").toString();
    return ProcessHandle.allProcesses()
        .filter(process -> process.info().commandLine().orElse("").contains(disk))
        .filter(process -> process.info().command().orElse("").contains("qemu-system"))
        .map(process -> process.pid() + "@" + process.info().startInstant().orElseThrow())
        .collect(Collectors.toSet());
  }

  @Override
  protected Duration patience() {
    return Duration.ofSeconds(90);
  }

  private Path disk(String desktopId, String name) {
    return host.resolve("desktops/" + desktopId + "/" + name + ".qcow2");
  }
}
