package io.veneer.agent.hypervisor.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.TinyRootfs;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.v1.ConsoleEndpoint;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What container desktops add to the driver contract: one lower directory per image however many
 * desktops (removed with the last of them), a pooled desktop's writes gone after its refresh (a
 * dedicated one's home kept), no way to the host's services, the size as a cgroup limit, and a
 * console that speaks RFB.
 */
@NeedsHost(HostTool.CONTAINER)
class ContainerDesktopsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path host;
  private ContainerHypervisor driver;
  private TinyRootfs tiny;

  @BeforeEach
  void openDriver() throws Exception {
    driver = new ContainerHypervisor(host);
    tiny = TinyRootfs.get();
  }

  @AfterEach
  void destroyEverything() throws Exception {
    for (String desktopId : driver.inventory()) {
      driver.destroy(desktopId, true);
    }
  }

  @Test
  void aSecondDesktopOfTheSameImageSharesTheFirstOnesLowerDirectory() throws Exception {
    running(spec("desk-1", false));
    running(spec("desk-2", false));

    Path lower = driver.lowerOf(tiny.digest());
    assertThat(overlayOptions("desk-1")).contains("lowerdir=" + lower + ",");
    assertThat(overlayOptions("desk-2")).contains("lowerdir=" + lower + ",");
    try (Stream<Path> unpacked = Files.list(host.resolve("rootfs"))) {
      assertThat(unpacked).as("unpacked once").containsExactly(lower);
    }
  }

  @Test
  void aLowerDirectoryIsRemovedWhenTheLastDesktopOfItsImageIsDestroyed() throws Exception {
    Path stage = Files.createDirectories(host.resolve("other/etc"));
    Files.writeString(stage.resolve("hostname"), "other\n");
    Path otherTar = host.resolve("other.tar");
    ContainerRootfs.run(
        "tar", "-C", host.resolve("other").toString(), "-cf", otherTar.toString(), "etc");
    String otherDigest = TinyRootfs.sha256(otherTar);
    driver.createDisks(spec("desk-1", false));
    driver.createDisks(spec("desk-2", false));
    driver.createDisks(ContainerRootfs.spec("desk-o", otherTar, otherDigest, false));
    Path lower = driver.lowerOf(tiny.digest());
    Path otherLower = driver.lowerOf(otherDigest);
    assertThat(otherLower).isDirectory();

    driver.destroy("desk-1", true);
    assertThat(lower).as("desk-2 still uses it").isDirectory();

    driver.destroy("desk-o", true);
    assertThat(otherLower).as("no desktop uses it").doesNotExist();
    assertThat(lower).isDirectory();

    driver.destroy("desk-2", true);
    assertThat(lower).doesNotExist();
  }

  @Test
  void aHostileRootFilesystemIsRefusedWithTheUnpackersReasonAndLeavesNothing() throws Exception {
    Path stage = Files.createDirectories(host.resolve("hostile/usr/bin"));
    Files.copy(Path.of("/usr/bin/busybox"), stage.resolve("su"));
    ContainerRootfs.run("chmod", "4755", stage.resolve("su").toString());
    Path tar = host.resolve("hostile.tar");
    ContainerRootfs.run(
        "tar", "-C", host.resolve("hostile").toString(), "-cf", tar.toString(), "usr");
    GuestSpec spec = ContainerRootfs.spec("desk-h", tar, TinyRootfs.sha256(tar), false);

    assertThatThrownBy(() -> driver.createDisks(spec))
        .isInstanceOf(HypervisorException.class)
        .hasMessageContaining("is refused")
        .hasMessageContaining("usr/bin/su")
        .hasMessageContaining("setuid");
    try (Stream<Path> unpacked = Files.list(host.resolve("rootfs"))) {
      assertThat(unpacked).isEmpty();
    }
    assertThat(driver.inventory()).isEmpty();
  }

  @Test
  void aPooledDesktopsWritesAreGoneAfterItsRefresh() throws Exception {
    GuestSpec spec = spec("desk-p", false);
    running(spec);
    assertThat(
            inside("desk-p", "sh", "-c", "echo alice > /home/user/notes; echo x > /etc/mine")
                .exit())
        .isZero();

    driver.stop("desk-p", Duration.ofSeconds(10));
    driver.resetOsDisk(spec);
    running(spec);

    assertThat(inside("desk-p", "ls", "-A", "/home/user").output()).isBlank();
    assertThat(inside("desk-p", "cat", "/etc/mine").exit()).isNotZero();
  }

  @Test
  void aDedicatedDesktopsHomeSurvivesItsRefresh() throws Exception {
    GuestSpec spec = spec("desk-d", true);
    running(spec);
    assertThat(inside("desk-d", "sh", "-c", "echo alice > /home/user/notes").exit()).isZero();

    driver.stop("desk-d", Duration.ofSeconds(10));
    driver.resetOsDisk(spec);
    running(spec);

    assertThat(inside("desk-d", "cat", "/home/user/notes").output()).isEqualTo("alice\n");
  }

  @Test
  void aDesktopCannotConnectToAServiceOnTheHostsLoopback() throws Exception {
    running(spec("desk-n", false));
    try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      service.setSoTimeout(500);

      ContainerRootfs.Result probe =
          inside("desk-n", "nc", "-w", "2", "127.0.0.1", String.valueOf(service.getLocalPort()));

      assertThat(probe.exit()).isNotZero();
      assertThat(probe.output()).contains("Connection refused");
      try (Socket accepted = service.accept()) {
        throw new AssertionError("the host's service was reached from " + accepted);
      } catch (SocketTimeoutException expected) {
        // Nothing connected.
      }
    }
    assertThat(inside("desk-n", "ip", "-o", "link").output().strip().lines())
        .as("only a loopback")
        .singleElement()
        .asString()
        .contains("lo:");
  }

  @Test
  void noOtherUserOfTheHostReachesADesktopsWrites() throws Exception {
    running(spec("desk-u", false));
    assertThat(
            inside(
                    "desk-u",
                    "sh",
                    "-c",
                    "cp /bin/busybox /home/user/sh && chmod 4755 /home/user/sh")
                .exit())
        .isZero();

    assertThat(Files.getPosixFilePermissions(driver.dir("desk-u")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(driver.dir("desk-u").getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(overlayOptions("desk-u")).contains("nosuid").contains("nodev");
  }

  @Test
  void theDesktopsSizeIsItsCgroupsMemoryLimitUntilItStops() throws Exception {
    running(spec("desk-m", false));

    assertThat(Cgroups.ofThisProcess().memoryLimit("desk-m")).contains(256L << 20);

    driver.stop("desk-m", Duration.ofSeconds(10));
    assertThat(Cgroups.ofThisProcess().memoryLimit("desk-m")).as("its groups removed").isEmpty();
  }

  @Test
  void theConsoleIsTheSessionsUnixSocketWithNoTcpPortAndNoPassword() throws Exception {
    ConsoleEndpoint console = running(spec("desk-v", false)).console();

    assertThat(console.getPort()).as("no TCP port").isZero();
    assertThat(console.getPassword()).as("no password").isEmpty();
    assertThat(console.getUnixSocket()).matches("/proc/\\d+/root/run/vnc\\.sock");
    try (SocketChannel viewer =
        SocketChannel.open(UnixDomainSocketAddress.of(console.getUnixSocket()))) {
      assertThat(
              new String(Channels.newInputStream(viewer).readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo(VncConsole.RFB_VERSION);
    }
  }

  private GuestSpec spec(String desktopId, boolean userData) {
    return ContainerRootfs.spec(desktopId, tiny.tar(), tiny.digest(), userData);
  }

  private Observation running(GuestSpec spec) throws Exception {
    driver.createDisks(spec);
    driver.start(spec);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Observation last = driver.observe(spec.desktopId());
    while (last.state() != GuestState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = driver.observe(spec.desktopId());
    }
    assertThat(last.state()).as("%s: %s", spec.desktopId(), last).isEqualTo(GuestState.RUNNING);
    return last;
  }

  private ContainerRootfs.Result inside(String desktopId, String... command) throws Exception {
    return ContainerRootfs.inside(host, desktopId, command);
  }

  /** The options of the overlay the desktop's launcher mounted, from its mount namespace. */
  private String overlayOptions(String desktopId) throws Exception {
    long pid = driver.launcher(desktopId).orElseThrow().pid();
    String root = " " + driver.dir(desktopId).resolve("root") + " ";
    try (Stream<String> mounts = Files.lines(Path.of("/proc", String.valueOf(pid), "mountinfo"))) {
      return mounts
          .filter(line -> line.contains(root) && line.contains(" - overlay "))
          .findFirst()
          .orElseThrow();
    }
  }
}
