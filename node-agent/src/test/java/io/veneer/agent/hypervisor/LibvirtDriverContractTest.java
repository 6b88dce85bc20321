package io.veneer.agent.hypervisor;

import io.veneer.agent.TinyGolden;
import io.veneer.agent.hypervisor.libvirt.LibvirtHypervisor;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * Real libvirt domains (QEMU under TCG here, through the running libvirtd at qemu:///system) of the
 * tiny golden image keep the driver contract. libvirt runs guests as libvirt-qemu, so the test's
 * host folder is made traversable and holds its own copy of the image's files (the build's cache
 * under root's home is not reachable by that user).
 */
@NeedsHost({HostTool.QEMU, HostTool.LIBVIRT})
class LibvirtDriverContractTest extends QemuGuestContract {

  private static final String URI = "qemu:///system";

  @BeforeAll
  static void libvirtdAnswers() throws Exception {
    Process virsh =
        new ProcessBuilder("virsh", "-c", URI, "version").redirectErrorStream(true).start();
    String output = new String(virsh.getInputStream().readAllBytes());
    if (!virsh.waitFor(30, TimeUnit.SECONDS) || virsh.exitValue() != 0) {
      throw new IllegalStateException(
          "LibvirtDriverContractTest needs libvirtd answering at "
              + URI
              + " ("
              + output.strip()
              + "). ./veneer test sets it up as root; or run: bash -c 'source"
              + " local-stack/prerequisites.sh && veneer_libvirt test install'; or leave these"
              + " tests out: ./veneer test --without libvirt");
    }
  }

  @Override
  protected Hypervisor open(Path host) {
    return new LibvirtHypervisor(host, URI, "qemu-img", "VENEER GUEST READY");
  }

  @Override
  protected TinyGolden images() throws Exception {
    Files.setPosixFilePermissions(host, PosixFilePermissions.fromString("rwx--x--x"));
    TinyGolden built = TinyGolden.get();
    return new TinyGolden(
        reachable(built.golden()),
        reachable(built.kernel()),
        reachable(built.vmlinux()),
        reachable(built.initrd()));
  }

  private Path reachable(Path file) throws Exception {
    Path copy = host.resolve("images").resolve(file.getFileName());
    if (!Files.exists(copy)) {
      Files.createDirectories(copy.getParent());
      Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
    }
    return copy;
  }
}
