package io.veneer.agent.hypervisor.libvirt;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.hypervisor.qemu.QcowDisks;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.hypervisor.qemu.SerialConsole;
import io.veneer.agent.v1.ConsoleEndpoint;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.xpath.XPathException;
import javax.xml.xpath.XPathFactory;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Guests as transient libvirt domains named {@code veneer-<desktopId>} (see {@link DomainXml}),
 * through libvirt's Java binding, on the same qcow2 overlays of the cached golden image as the qemu
 * driver ({@link QcowDisks}). libvirt runs them as its QEMU user ({@code libvirt-qemu}), so the
 * disks, kernels and the desktop's folder must be reachable by others; it chowns the disks itself
 * while a guest runs.
 *
 * <p>What runs is known from libvirt's lifecycle events ({@link LibvirtEventLoop}): each desktop's
 * last known domain (running with its UUID, which names one boot, or gone with the cause libvirt
 * gave), asked of libvirt by name only when nothing is known yet: after a (re)connect, which is how
 * a restarted agent re-adopts its running guests. A guest gone without a stop (markers {@code
 * started}, {@code stopped}, as for the qemu driver) is FAILED with its console's panic line.
 *
 * <p>No guest reaches its host or another desktop: a desktop whose network is off gets no network
 * interface at all; outbound networks are refused (libvirt's user networks map the host as the
 * guest's gateway; the qemu driver's passt in an egress namespace is not offered through libvirt
 * here).
 *
 * <pre>
 * &lt;data&gt;/desktops/&lt;id&gt;/ os.qcow2  userdata.qcow2  console.log  started  stopped
 * </pre>
 */
public final class LibvirtHypervisor implements Hypervisor {

  private static final Logger log = Logger.getLogger(LibvirtHypervisor.class.getName());
  private static final String QEMU_USER = "libvirt runs guests as libvirt-qemu and";

  private final QcowDisks disks;
  private final String uri;
  private final String readyLine;
  private final boolean kvm = QemuHypervisor.kvmUsable();
  private final Map<String, DomainState> domains = new ConcurrentHashMap<>();
  // Per desktop, the boot (domain UUID) that printed its ready line, and its display's socket.
  private final Map<String, String> readyBoots = new ConcurrentHashMap<>();
  private final Map<String, Display> displays = new ConcurrentHashMap<>();
  private Connect connection;

  /** What the events (or one lookup) say of a desktop's domain. */
  private sealed interface DomainState {}

  /** A domain runs this boot of the desktop. */
  private record Running(String uuid) implements DomainState {}

  /** No domain runs; the cause libvirt gave when the last one stopped, empty if unknown. */
  private record Gone(String cause) implements DomainState {}

  /** Where one boot of a desktop shows its display: a unix socket, empty for none. */
  private record Display(String uuid, String socket) {}

  /**
   * @param uri libvirt's connection URI ({@code qemu:///system})
   * @param readyLine the line a guest prints on its serial console once usable; empty: running as
   *     soon as its domain runs
   */
  public LibvirtHypervisor(Path dataDir, String uri, String qemuImg, String readyLine) {
    this.disks = new QcowDisks(dataDir, qemuImg);
    this.uri = uri;
    this.readyLine = readyLine;
  }

  @Override
  public String name() {
    return "libvirt";
  }

  /**
   * The same emulator as the qemu driver's, so the same boot sources; q35 only (microvm is not
   * offered through libvirt here); BIOS only (no OVMF); no outbound network (see the class).
   */
  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(
        EnumSet.of(BootSource.Kind.DISK_IMAGE, BootSource.Kind.DIRECT_KERNEL),
        EnumSet.of(GuestSpec.Machine.Q35),
        EnumSet.of(GuestSpec.Firmware.BIOS),
        true,
        true,
        true,
        true,
        false);
  }

  @Override
  public void createDisks(GuestSpec spec) throws HypervisorException {
    refuseOutbound(spec);
    disks.create(spec);
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    if (state(spec.desktopId()) instanceof Running) {
      throw new HypervisorException(
          "Desktop " + spec.desktopId() + " must be stopped before a refresh");
    }
    disks.resetOs(spec);
  }

  @Override
  public void start(GuestSpec spec) throws HypervisorException {
    refuseOutbound(spec);
    String desktopId = spec.desktopId();
    if (state(desktopId) instanceof Running) {
      return;
    }
    disks.create(spec);
    Path dir = disks.dir(desktopId);
    DomainXml.Files files =
        new DomainXml.Files(
            disks.osDisk(desktopId),
            disks.attachedUserData(spec).orElse(null),
            dir.resolve("console.log"));
    try {
      for (Path path : reachedByTheGuest(spec, files)) {
        QcowDisks.requireTraversableByOthers(path, QEMU_USER);
      }
      Files.deleteIfExists(dir.resolve("stopped"));
      Files.deleteIfExists(files.console());
      Files.writeString(dir.resolve("started"), "");
      String xml = DomainXml.of(spec, kvm, files);
      Domain domain = connection().domainCreateXML(xml, 0);
      domains.put(desktopId, new Running(domain.getUUIDString()));
      log.info(
          "event=guest-started desktop="
              + desktopId
              + " domain="
              + DomainXml.NAME_PREFIX
              + desktopId
              + " uuid="
              + domain.getUUIDString()
              + " accel="
              + (kvm ? "kvm" : "tcg"));
    } catch (IOException | IllegalArgumentException e) {
      throw new HypervisorException(
          "Cannot start the guest of " + desktopId + ": " + e.getMessage(), e);
    } catch (LibvirtException e) {
      forget(dir.resolve("started"));
      throw new HypervisorException(
          "libvirt did not start the guest of " + desktopId + ": " + e.getMessage(), e);
    }
  }

  /** The disks, kernel and initrd: libvirt's QEMU user must reach each of them. */
  private static List<Path> reachedByTheGuest(GuestSpec spec, DomainXml.Files files) {
    List<Path> paths = new ArrayList<>(List.of(files.osDisk(), spec.image().path()));
    if (spec.boot() instanceof BootSource.DirectKernel direct) {
      paths.add(direct.kernel().path());
      if (direct.initrd() != null) {
        paths.add(direct.initrd().path());
      }
    }
    return paths.stream().map(Path::toAbsolutePath).toList();
  }

  private static void refuseOutbound(GuestSpec spec) throws HypervisorException {
    if (spec.devices().network() == GuestSpec.Network.OUTBOUND) {
      throw new HypervisorException(
          "Desktop "
              + spec.desktopId()
              + " may connect outbound, but the libvirt driver gives guests no outside network"
              + " (libvirt's user network would make the host the guest's gateway); run such"
              + " pools on hosts with the qemu driver and VENEER_GUEST_EGRESS_NETNS");
    }
  }

  @Override
  public void stop(String desktopId, Duration grace) throws HypervisorException {
    Path dir = disks.dir(desktopId);
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("stopped"), "");
    } catch (IOException e) {
      throw new HypervisorException("Cannot record the stop in " + dir, e);
    }
    Domain domain = activeDomain(desktopId);
    if (domain == null) {
      return;
    }
    try {
      domain.shutdown();
    } catch (LibvirtException e) {
      log.fine("event=shutdown-failed desktop=" + desktopId + " reason=" + e.getMessage());
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (state(desktopId) instanceof Running && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (state(desktopId) instanceof Running) {
      try {
        domain.destroy();
      } catch (LibvirtException e) {
        if (!gone(e)) {
          throw new HypervisorException(
              "libvirt did not stop the guest of " + desktopId + ": " + e.getMessage(), e);
        }
      }
      domains.put(desktopId, new Gone("destroyed by the agent"));
    }
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) throws HypervisorException {
    stop(desktopId, Duration.ofSeconds(5));
    disks.delete(desktopId, deleteUserData);
    domains.remove(desktopId);
    readyBoots.remove(desktopId);
    displays.remove(desktopId);
  }

  @Override
  public Observation observe(String desktopId) {
    Path dir = disks.dir(desktopId);
    if (!Files.exists(disks.osDisk(desktopId))) {
      return Observation.of(GuestState.ABSENT);
    }
    DomainState state;
    try {
      state = state(desktopId);
    } catch (HypervisorException e) {
      return Observation.failed(e.getMessage());
    }
    Path console = dir.resolve("console.log");
    return switch (state) {
      case Running running -> {
        boolean ready = running.uuid().equals(readyBoots.get(desktopId));
        if (!ready && SerialConsole.holds(console, readyLine)) {
          readyBoots.put(desktopId, running.uuid());
          ready = true;
        }
        yield new Observation(
            ready ? GuestState.RUNNING : GuestState.STARTING, "", console(running, desktopId));
      }
      case Gone gone ->
          Files.exists(dir.resolve("started")) && !Files.exists(dir.resolve("stopped"))
              ? Observation.failed(
                  "the guest stopped unexpectedly"
                      + (gone.cause().isEmpty() ? "" : " (libvirt: " + gone.cause() + ")")
                      + ": "
                      + SerialConsole.crashReason(console, libvirtLog(desktopId)))
              : Observation.of(GuestState.STOPPED);
    };
  }

  @Override
  public Set<String> inventory() {
    return disks.inventory();
  }

  @Override
  public Set<Path> goldenImagesInUse() {
    return disks.goldenImagesInUse();
  }

  @Override
  public void setMemoryTarget(String desktopId, long memoryMib) throws HypervisorException {
    Domain domain = activeDomain(desktopId);
    if (domain == null) {
      throw new HypervisorException("Desktop " + desktopId + " does not run");
    }
    try {
      domain.setMemory(memoryMib << 10);
    } catch (LibvirtException e) {
      throw new HypervisorException(
          "Cannot set the memory of " + desktopId + ": " + e.getMessage(), e);
    }
  }

  /** What is known of the desktop's domain; asked of libvirt when nothing is. */
  private DomainState state(String desktopId) throws HypervisorException {
    DomainState known = domains.get(desktopId);
    if (known != null) {
      return known;
    }
    Domain domain = activeDomain(desktopId);
    try {
      DomainState found = domain == null ? new Gone("") : new Running(domain.getUUIDString());
      // An event that arrived meanwhile is newer than the lookup.
      DomainState raced = domains.putIfAbsent(desktopId, found);
      return raced == null ? found : raced;
    } catch (LibvirtException e) {
      throw unanswered(e);
    }
  }

  /** The desktop's running domain, or null. */
  private Domain activeDomain(String desktopId) throws HypervisorException {
    try {
      Domain domain = connection().domainLookupByName(DomainXml.NAME_PREFIX + desktopId);
      return domain.isActive() == 1 ? domain : null;
    } catch (LibvirtException e) {
      if (gone(e)) {
        return null;
      }
      throw unanswered(e);
    }
  }

  private HypervisorException unanswered(LibvirtException e) {
    return new HypervisorException("libvirtd does not answer at " + uri + ": " + e.getMessage(), e);
  }

  private static boolean gone(LibvirtException e) {
    Error.ErrorNumber code = e.getError().getCode();
    return code == Error.ErrorNumber.VIR_ERR_NO_DOMAIN
        || code == Error.ErrorNumber.VIR_ERR_OPERATION_INVALID;
  }

  /**
   * The connection, opened on first use and again after libvirtd closed it (a restart, say): what
   * the events said is then forgotten, and each desktop's domain looked up again.
   */
  private synchronized Connect connection() throws HypervisorException {
    if (connection != null) {
      return connection;
    }
    try {
      LibvirtEventLoop.ensureRunning();
      Connect opened = new Connect(uri);
      opened.addLifecycleListener(this::onLifecycleChange);
      opened.registerCloseListener(
          (closed, reason) -> {
            log.warning("event=libvirt-connection-closed uri=" + uri + " reason=" + reason);
            synchronized (this) {
              connection = null;
            }
            domains.clear();
          });
      domains.clear();
      connection = opened;
      log.info("event=libvirt-connected uri=" + uri + " accel=" + (kvm ? "kvm" : "tcg"));
      return opened;
    } catch (LibvirtException e) {
      throw new HypervisorException(
          "libvirtd does not answer at "
              + uri
              + " ("
              + e.getMessage()
              + "): start it (./veneer up with VENEER_DRIVER=libvirt sets it up)",
          e);
    }
  }

  /** On libvirt's event thread: the desktop's domain started or stopped. */
  private int onLifecycleChange(Domain domain, DomainEvent event) {
    try {
      String name = domain.getName();
      if (!name.startsWith(DomainXml.NAME_PREFIX)) {
        return 0;
      }
      String desktopId = name.substring(DomainXml.NAME_PREFIX.length());
      // Another agent's guest (agents of one machine may share a libvirtd) is none of its business.
      if (!inventory().contains(desktopId)) {
        return 0;
      }
      String uuid = domain.getUUIDString();
      switch (event.getType()) {
        case STARTED, RESUMED, SUSPENDED -> domains.put(desktopId, new Running(uuid));
        case STOPPED ->
            // A late stop of an earlier boot must not hide the boot that runs now.
            domains.compute(
                desktopId,
                (id, known) ->
                    known instanceof Running running && !running.uuid().equals(uuid)
                        ? known
                        : new Gone(event.toString().toLowerCase(java.util.Locale.ROOT)));
        default -> {}
      }
      log.info(
          "event=guest-lifecycle desktop=" + desktopId + " uuid=" + uuid + " libvirt=" + event);
    } catch (LibvirtException e) {
      log.fine("event=lifecycle-unreadable reason=" + e.getMessage());
    }
    return 0;
  }

  /**
   * The display of this boot: the VNC socket libvirt made in the domain's private folder ({@code
   * rwxr-x---}, libvirt-qemu:kvm), which the agent (root) opens for its console listener; read from
   * the live domain once per boot.
   */
  private ConsoleEndpoint console(Running running, String desktopId) {
    Display known = displays.get(desktopId);
    try {
      if (known == null || !known.uuid().equals(running.uuid())) {
        Domain domain = connection().domainLookupByUUIDString(running.uuid());
        known = new Display(running.uuid(), vncSocket(domain.getXMLDesc(0)));
        displays.put(desktopId, known);
      }
    } catch (HypervisorException | LibvirtException e) {
      return null;
    }
    return known.socket().isEmpty()
        ? null
        : ConsoleEndpoint.newBuilder().setUnixSocket(known.socket()).setProtocol("vnc").build();
  }

  /** The VNC socket a live domain's XML names, empty when it shows no display on one. */
  private static String vncSocket(String domainXml) throws HypervisorException {
    try {
      var doc =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(new InputSource(new StringReader(domainXml)));
      return XPathFactory.newInstance()
          .newXPath()
          .evaluate("/domain/devices/graphics[@type='vnc']/listen[@type='socket']/@socket", doc);
    } catch (ParserConfigurationException | SAXException | IOException | XPathException e) {
      throw new HypervisorException("libvirt gave a domain's XML that does not parse", e);
    }
  }

  /** libvirt's log of the desktop's QEMU, where it says why QEMU itself failed. */
  private static Path libvirtLog(String desktopId) {
    return Path.of("/var/log/libvirt/qemu", DomainXml.NAME_PREFIX + desktopId + ".log");
  }

  private static void forget(Path marker) {
    try {
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      log.fine("event=marker-not-deleted file=" + marker + " reason=" + e.getMessage());
    }
  }
}
