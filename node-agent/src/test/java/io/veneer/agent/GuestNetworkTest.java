package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.converge.Converger;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.GuestNetwork;
import io.veneer.agent.v1.ObservedState;
import io.veneer.agent.v1.PowerState;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real guests (TCG) try TCP connections from inside: to a service listening on the host (as the
 * agent's console listener does; guests' displays are unix sockets, on no network at all) and to a
 * server of the outside network. The tiny golden image's init takes an address by DHCP and prints
 * what each connection of {@code veneer.probe=} received.
 */
@NeedsHost(HostTool.QEMU)
class GuestNetworkTest {

  private static final Pattern PROBE = Pattern.compile("VENEER PROBE (\\S+) (\\S+)");
  // The guests' user network gateway: QEMU's unrestricted user network maps it to 127.0.0.1.
  private static final String GATEWAY = "10.0.2.2";

  @TempDir Path data;
  private TestNamespaces namespaces;
  private Converger converger;
  private Desktops desktops;
  private final List<DesktopStatus> reports = new CopyOnWriteArrayList<>();
  private ServerSocket hostService;
  private final AtomicInteger hostServiceConnections = new AtomicInteger();

  @BeforeEach
  void hostWithAnEgressNamespaceAndAListeningService() throws Exception {
    namespaces = TestNamespaces.create();
    // passt runs as nobody, who must reach the desktops' folders (JUnit's are owner-only).
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx--x--x"));
    QemuHypervisor qemu =
        new QemuHypervisor(
            data,
            "qemu-system-x86_64",
            "qemu-img",
            "VENEER GUEST READY",
            new GuestEgress(namespaces.egress(), "passt"));
    ImageCache cache = new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly(""));
    converger =
        new Converger(
            qemu,
            new ImageDownloads(cache, Clock.systemUTC(), Duration.ofSeconds(30), cached -> {}),
            reports::add,
            data,
            Duration.ofSeconds(1),
            Clock.systemUTC());
    desktops = new Desktops(cache, TinyGolden.get());
    // On every address of the host, the way the agent, a database or a broker may listen.
    hostService = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
    Thread.ofVirtual().start(this::greetEveryConnection);
  }

  @AfterEach
  void removeEverything() throws Exception {
    converger.applyDesiredSet(List.of());
    converger.convergeOnce();
    hostService.close();
    namespaces.close();
  }

  @Test
  void aGuestReachesNoServiceOfItsHostNorAnotherDesktopAndTheOutsideOnlyWhenAllowed()
      throws Exception {
    List<String> host = new ArrayList<>(List.of(GATEWAY + ":" + hostService.getLocalPort()));
    for (String address : hostAddresses()) {
      host.add(address + ":" + hostService.getLocalPort());
    }
    String outside = TestNamespaces.OUTSIDE_ADDRESS + ":" + TestNamespaces.OUTSIDE_PORT;
    String probes = String.join(",", host) + "," + outside;
    // no_timer_check: under TCG on a busy machine the kernel may find the timer "not working".
    String cmdline = "quiet no_timer_check veneer.probe=" + probes;

    DesiredDesktop off =
        desktops.running("desk-off", cmdline).setNetwork(GuestNetwork.GUEST_NETWORK_OFF).build();
    DesiredDesktop unset = desktops.running("desk-unset", cmdline).build();
    DesiredDesktop out =
        desktops
            .running("desk-out", cmdline)
            .setNetwork(GuestNetwork.GUEST_NETWORK_OUTBOUND)
            .build();
    converger.applyDesiredSet(List.of(off, unset, out));
    converger.convergeOnce();

    Map<String, String> offReceived = probesOf(off);
    Map<String, String> unsetReceived = probesOf(unset);
    Map<String, String> outReceived = probesOf(out);
    for (String target : host) {
      assertThat(offReceived).as("network off: %s", target).containsEntry(target, "NOTHING");
      assertThat(unsetReceived).as("no policy: %s", target).containsEntry(target, "NOTHING");
      assertThat(outReceived).as("outbound only: %s", target).containsEntry(target, "NOTHING");
    }
    assertThat(offReceived).as("network off").containsEntry(outside, "NOTHING");
    assertThat(unsetReceived).as("no policy is network off").containsEntry(outside, "NOTHING");
    assertThat(outReceived).as("outbound only").containsEntry(outside, TestNamespaces.GREETING);
    assertThat(hostServiceConnections).as("connections the host's service accepted").hasValue(0);
  }

  @Test
  void anOutboundDesktopFailsOnAHostThatOffersGuestsNoOutsideNetwork() throws Exception {
    QemuHypervisor isolated =
        new QemuHypervisor(data, "qemu-system-x86_64", "qemu-img", "", GuestEgress.NONE);
    converger =
        new Converger(
            isolated,
            new ImageDownloads(
                new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly("")),
                Clock.systemUTC(),
                Duration.ofSeconds(30),
                cached -> {}),
            reports::add,
            data,
            Duration.ofSeconds(1),
            Clock.systemUTC());

    converger.applyDesiredSet(
        List.of(
            desktops.running("desk-o").setNetwork(GuestNetwork.GUEST_NETWORK_OUTBOUND).build()));
    converger.convergeOnce();

    assertThat(awaitReport("desk-o", ObservedState.OBSERVED_STATE_FAILED).getFailureReason())
        .contains("this host offers guests no outside network", "VENEER_GUEST_EGRESS_NETNS");
    assertThat(data.resolve("desktops/desk-o/qemu.pid")).doesNotExist();
  }

  private void greetEveryConnection() {
    while (!hostService.isClosed()) {
      try (Socket connection = hostService.accept();
          OutputStream out = connection.getOutputStream()) {
        hostServiceConnections.incrementAndGet();
        out.write("HOSTSERVICE\n".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** The host's own IPv4 addresses besides loopback, where a 0.0.0.0 listener also answers. */
  private static List<String> hostAddresses() throws IOException {
    List<String> addresses = new ArrayList<>();
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (nic.isUp() && !nic.isLoopback()) {
        nic.inetAddresses()
            .filter(Inet4Address.class::isInstance)
            .forEach(a -> addresses.add(a.getHostAddress()));
      }
    }
    return addresses;
  }

  /**
   * What the desktop's probes received. Seen twice in full runs on a loaded machine: a guest
   * printed its ready line without probing, as if it had booted its golden's own disk (whose
   * command line has no probes) instead of the kernel given to QEMU; it is then started once more.
   */
  private Map<String, String> probesOf(DesiredDesktop desktop) throws Exception {
    String desk = desktop.getDesktopId();
    Map<String, String> received = awaitProbes(desk);
    if (received.isEmpty()) {
      String qemu = qemuCommand(desk);
      converger.upsert(
          desktop.toBuilder()
              .setSpecGeneration(2)
              .setPowerState(PowerState.POWER_STATE_STOPPED)
              .build());
      converger.convergeOnce();
      awaitReport(desk, ObservedState.OBSERVED_STATE_STOPPED);
      converger.upsert(desktop.toBuilder().setSpecGeneration(3).build());
      converger.convergeOnce();
      received = awaitProbes(desk);
      assertThat(received)
          .as("the probes of %s, started twice; its QEMU: %s", desk, qemu)
          .isNotEmpty();
    }
    return received;
  }

  private Map<String, String> awaitProbes(String desk) throws Exception {
    Path console = data.resolve("desktops/" + desk + "/console.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      converger.convergeOnce();
      String text =
          Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
      if (text.contains("VENEER GUEST READY")) {
        Map<String, String> received = new LinkedHashMap<>();
        Matcher probe = PROBE.matcher(text);
        while (probe.find()) {
          received.put(probe.group(1), probe.group(2));
        }
        return received;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(desk + " never finished its probes; console: " + reports);
  }

  private String qemuCommand(String desk) {
    try {
      String pid = Files.readString(data.resolve("desktops/" + desk + "/qemu.pid")).strip();
      return Files.readString(Path.of("/proc", pid, "cmdline")).replace('\0', ' ');
    } catch (IOException gone) {
      return "(gone: " + gone.getMessage() + ")";
    }
  }

  private DesktopStatus awaitReport(String desk, ObservedState state) throws InterruptedException {
    return ConvergedReports.await(converger, reports, desk, state, Duration.ofSeconds(120));
  }
}
