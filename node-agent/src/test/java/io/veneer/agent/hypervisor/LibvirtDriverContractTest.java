package io.veneer.agent.hypervisor;

import static io.veneer.agent.QemuImages.listeningTcpSocketsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.ConsoleThroughTheListener;
import io.veneer.agent.TinyGolden;
import io.veneer.agent.hypervisor.libvirt.LibvirtHypervisor;
import io.veneer.agent.v1.ConsoleEndpoint;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import io.veneer.testsupport.tls.LocalCertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real libvirt domains (QEMU under TCG here, through the running libvirtd at qemu:///system) of the
 * tiny golden image keep the driver contract. libvirt runs guests as libvirt-qemu, so the test's
 * host folder is made traversable and holds its own copy of the image's files (the build's cache
 * under root's home is not reachable by that user).
 */
@NeedsHost({HostTool.QEMU, HostTool.LIBVIRT})
class LibvirtDriverContractTest extends QemuGuestContract {

  private static final String URI = "qemu:///system";
  private static final String DOMAIN_PREFIX = "veneer-";

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

  /**
   * What libvirt alone has to show: a desktop's display is no TCP listener but the VNC socket
   * libvirt makes in the domain's private folder, and the agent's console listener still reaches
   * it.
   */
  @Test
  void aDisplayIsAUnixSocketInTheDomainsPrivateFolderNoTcpPortAndOpensThroughTheConsoleListener()
      throws Exception {
    UUID desk = UUID.randomUUID();
    GuestSpec plain = desktop(desk.toString(), false);
    GuestSpec spec =
        new GuestSpec(
            plain.desktopId(),
            plain.size(),
            plain.image(),
            plain.boot(),
            plain.machine(),
            plain.firmware(),
            true,
            plain.devices());
    driver.createDisks(spec);
    driver.start(spec);

    ConsoleEndpoint console = await(desk.toString(), GuestState.RUNNING).console();
    assertThat(console.getProtocol()).isEqualTo("vnc");
    assertThat(console.getPort()).as("no TCP port").isZero();
    assertThat(console.getPassword()).as("no password: the socket is the boundary").isEmpty();
    Path folder = Path.of(console.getUnixSocket()).getParent();
    assertThat(folder.getParent()).isEqualTo(Path.of("/var/lib/libvirt/qemu"));
    PosixFileAttributes reach = Files.readAttributes(folder, PosixFileAttributes.class);
    assertThat(reach.permissions())
        .as("the domain's private folder: its QEMU user and group, no one else")
        .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(reach.owner().getName()).isEqualTo("libvirt-qemu");
    assertThat(reach.group().getName()).isEqualTo("kvm");

    String live = virsh("dumpxml", DOMAIN_PREFIX + desk);
    assertThat(live)
        .as("the live domain's display listens on its socket only")
        .contains("<listen type='socket' socket='" + console.getUnixSocket() + "'/>")
        .doesNotContain("type='address'")
        .doesNotContainPattern("<graphics[^>]* port=");
    String guest = runningGuests(desk.toString()).iterator().next();
    long pid = Long.parseLong(guest.substring(0, guest.indexOf('@')));
    assertThat(listeningTcpSocketsOf(pid)).as("QEMU listens on no TCP port").isEmpty();

    var ca = new LocalCertificateAuthority(host.resolve("tls")).create();
    assertThat(ConsoleThroughTheListener.firstBytes(ca, driver, desk, 15))
        .as("the listener admits the grant, then the guest's display greets in RFB")
        .startsWith("OK\nRFB 003.");
  }

  private static String virsh(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("virsh", "-c", URI));
    command.addAll(List.of(arguments));
    Process virsh = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(virsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(virsh.waitFor()).as("%s: %s", command, output).isZero();
    return output;
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
