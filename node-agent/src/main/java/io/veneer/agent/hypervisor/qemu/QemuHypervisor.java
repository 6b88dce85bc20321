package io.veneer.agent.hypervisor.qemu;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestMemory;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.HostCommands;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.hypervisor.RootfsLayers;
import io.veneer.agent.v1.ConsoleEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Real thin guests under QEMU: a qcow2 overlay on the cached golden image, virtio block, net and
 * balloon, a serial console to a log file, a QMP socket, and VNC on a unix socket in an owner-only
 * directory when the profile asks for a display (reached only through the agent's console
 * listener). KVM when /dev/kvm is usable, TCG otherwise.
 *
 * <p>No guest reaches its host's services or another desktop. A guest whose network is off gets
 * QEMU's user network restricted ({@code restrict=on}: its gateway, 10.0.2.2, would otherwise be
 * the host's 127.0.0.1). An outbound guest's link goes to its own passt, which opens the guest's
 * connections from the host's egress network namespace, where neither the host's loopback nor any
 * guest's console is; passt maps no gateway to the host and forwards no port in.
 *
 * <p>A shared-root guest ({@link BootSource.SharedRoot}) has no golden disk: its image's root tree
 * is unpacked once per host ({@link RootfsLayers}) and shared read-only ({@link SharedRootBoot});
 * its OS disk starts empty and holds only the desktop's own writes.
 *
 * <p>Each guest runs in a session of its own (setsid) with a pidfile, so it outlives the agent; a
 * new agent re-adopts it from the pidfile and QMP instead of starting a second QEMU on the disk.
 *
 * <pre>
 * &lt;data&gt;/desktops/&lt;id&gt;/ os.qcow2  userdata.qcow2  qmp.sock  console.log  qemu.log
 *                         qemu.pid  vnc/vnc.sock (vnc/ is rwx------)
 *                         started / stopped (markers: a guest gone without "stopped" crashed)
 * </pre>
 */
public final class QemuHypervisor implements Hypervisor {

  private static final Logger log = Logger.getLogger(QemuHypervisor.class.getName());
  private static final String BALLOON = "balloon0";
  // How often guests send balloon statistics: a few bytes over a virtqueue, well within the
  // shortest balloon period, so that the policy never acts on figures much older than one period.
  private static final Duration BALLOON_STATS_INTERVAL = Duration.ofSeconds(2);

  private final QcowDisks disks;
  private final SocketPaths socketPaths = SocketPaths.underTemporaryDirectory();
  private final String qemuSystem;
  private final boolean kvm;
  // Under TCG, the host's TSC rate for microvm guests' kernels; empty under KVM or where unknown.
  private final OptionalLong tcgTscKhz;
  // Debian's OVMF where installed (UEFI for q35 guests); null where not.
  private final Ovmf ovmf;
  // Whether this QEMU has virtio-9p, which shared-root guests need.
  private final boolean virtfs;
  private final RootfsLayers layers;
  private final String readyLine;
  private final GuestEgress egress;
  private final Set<String> readyGuests = ConcurrentHashMap.newKeySet();

  /**
   * @param readyLine a line the guest prints on its serial console once its desktop is usable (e.g.
   *     from a login service); until then a running guest is reported STARTING. Empty: running as
   *     soon as QEMU runs it.
   * @param egress where outbound guests reach the outside network from, if anywhere
   */
  public QemuHypervisor(
      Path dataDir, String qemuSystem, String qemuImg, String readyLine, GuestEgress egress) {
    this.disks = new QcowDisks(dataDir, qemuImg);
    this.qemuSystem = qemuSystem;
    this.readyLine = readyLine;
    this.egress = egress;
    this.kvm = kvmUsable();
    this.tcgTscKhz = kvm ? OptionalLong.empty() : TscFrequency.host().khz();
    this.ovmf = Ovmf.installed().orElse(null);
    this.virtfs = hasVirtfs(qemuSystem);
    this.layers = new RootfsLayers(dataDir.toAbsolutePath());
  }

  /** Whether the QEMU binary offers virtio-9p (Debian's does; a build without virtfs does not). */
  static boolean hasVirtfs(String qemuSystem) {
    try {
      Process help =
          new ProcessBuilder(qemuSystem, "-nodefaults", "-device", "help")
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      String devices = new String(help.getInputStream().readAllBytes());
      return help.waitFor(30, TimeUnit.SECONDS) && devices.contains("\"virtio-9p-pci\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * KVM needs the device and hardware virtualisation: some sandboxes expose /dev/kvm on CPUs
   * without vmx/svm, where guests under KVM crawl; TCG is the honest choice there.
   */
  public static boolean kvmUsable() {
    Path device = Path.of("/dev/kvm");
    if (!Files.isReadable(device) || !Files.isWritable(device)) {
      return false;
    }
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.anyMatch(
          l -> l.startsWith("flags") && (l.contains(" vmx") || l.contains(" svm")));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String name() {
    return "qemu";
  }

  /**
   * Disk and direct-kernel boot, shared-root boot where QEMU has virtio-9p, q35, and microvm under
   * KVM, or under TCG where the host's TSC rate is known ({@link TscFrequency}: without it a
   * microvm guest's kernel cannot calibrate its TSC and hangs). SeaBIOS, and UEFI where Debian's
   * OVMF is installed ({@link Ovmf}).
   */
  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(
        virtfs
            ? EnumSet.allOf(BootSource.Kind.class)
            : EnumSet.of(BootSource.Kind.DISK_IMAGE, BootSource.Kind.DIRECT_KERNEL),
        kvm || tcgTscKhz.isPresent()
            ? EnumSet.allOf(GuestSpec.Machine.class)
            : EnumSet.of(GuestSpec.Machine.Q35),
        ovmf != null
            ? EnumSet.allOf(GuestSpec.Firmware.class)
            : EnumSet.of(GuestSpec.Firmware.BIOS),
        true,
        true,
        true,
        true,
        // A shared-root guest boots the kernel and initrd its tree carries (SharedRootBoot).
        false);
  }

  @Override
  public void createDisks(GuestSpec spec) throws HypervisorException {
    disks.create(spec);
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    if (isRunning(spec.desktopId())) {
      throw new HypervisorException(
          "Desktop " + spec.desktopId() + " must be stopped before a refresh");
    }
    disks.resetOs(spec);
    removeUnusedTrees();
  }

  @Override
  public void start(GuestSpec spec) throws HypervisorException {
    if (isRunning(spec.desktopId())) {
      return;
    }
    createDisks(spec);
    if (spec.boot() instanceof BootSource.SharedRoot) {
      // Unpacked before QEMU starts, once per host; arguments() then finds it by digest.
      layers.lower(spec.image());
    }
    Path dir = dir(spec.desktopId());
    Process passt = null;
    try {
      if (outbound(spec)) {
        passt = startPasst(spec.desktopId(), dir);
      }
      Files.deleteIfExists(dir.resolve("stopped"));
      // QEMU removes its pidfile when it exits; this marker remembers that a guest was started.
      Files.writeString(dir.resolve("started"), "");
      Files.deleteIfExists(dir.resolve("qemu.pid"));
      Files.deleteIfExists(socket(dir, "qmp.sock"));
      Files.deleteIfExists(dir.resolve("console.log"));
      List<String> command = new ArrayList<>(List.of("setsid", qemuSystem));
      command.addAll(arguments(spec, dir));
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(dir.resolve("qemu.log").toFile())
              .redirectErrorStream(true)
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(socket(dir, "qmp.sock")) && System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new HypervisorException(
              "QEMU did not start for "
                  + spec.desktopId()
                  + ": "
                  + SerialConsole.lastLines(dir.resolve("qemu.log")));
        }
        Thread.sleep(20);
      }
      log.info(
          "event=guest-started desktop="
              + spec.desktopId()
              + " accel="
              + (kvm ? "kvm" : "tcg")
              + " network="
              + (outbound(spec) ? "outbound" : "off"));
    } catch (IOException e) {
      stopPasst(passt);
      throw new HypervisorException(
          "Cannot start QEMU for " + spec.desktopId() + ": " + e.getMessage(), e);
    } catch (HypervisorException e) {
      stopPasst(passt);
      throw e;
    } catch (InterruptedException e) {
      stopPasst(passt);
      Thread.currentThread().interrupt();
      throw new HypervisorException("Interrupted while starting " + spec.desktopId(), e);
    }
  }

  /**
   * OVMF's code, shared and read-only, and the desktop's own variable store (boot entries,
   * settings), copied from OVMF's template on its first start and kept with its disks after.
   * capabilities() offers UEFI only with OVMF installed.
   */
  private List<String> uefi(Path dir) throws IOException {
    Path vars = dir.resolve("efivars.fd");
    if (!Files.exists(vars)) {
      Path part = dir.resolve("efivars.fd.part");
      Files.copy(ovmf.varsTemplate(), part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.move(part, vars, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return List.of(
        "-drive",
        "if=pflash,format=raw,unit=0,readonly=on,file=" + ovmf.code(),
        "-drive",
        "if=pflash,format=raw,unit=1,file=" + vars);
  }

  private static boolean outbound(GuestSpec spec) {
    return spec.devices().network() == GuestSpec.Network.OUTBOUND;
  }

  /**
   * The guest's passt, in the egress namespace, listening on net/passt.sock for QEMU. It serves one
   * QEMU and exits with it ({@code --one-off}), so it needs no pidfile of its own. As root, passt
   * runs as nobody, so its socket's directory is nobody's.
   */
  private Process startPasst(String desktopId, Path dir)
      throws HypervisorException, IOException, InterruptedException {
    if (!egress.offered()) {
      throw new HypervisorException(
          "Desktop "
              + desktopId
              + " may connect outbound, but this host offers guests no outside network"
              + " (VENEER_GUEST_EGRESS_NETNS is not set)");
    }
    if (!Files.exists(egress.namespace())) {
      throw new HypervisorException(
          "The egress network namespace " + egress.namespace() + " does not exist");
    }
    Path net = dir.resolve("net");
    Files.createDirectories(net);
    Path socket = socket(dir, "net/passt.sock");
    Files.deleteIfExists(socket);
    List<String> command =
        new ArrayList<>(
            List.of(
                "setsid",
                "nsenter",
                "--net=" + egress.namespace(),
                egress.passt(),
                "--foreground",
                "--quiet",
                "--ipv4-only",
                "--one-off",
                "--no-map-gw",
                "--tcp-ports",
                "none",
                "--udp-ports",
                "none",
                "--socket",
                socket.toString()));
    if (runningAsRoot()) {
      QcowDisks.requireTraversableByOthers(net, "passt runs as nobody and");
      Files.setOwner(
          net, net.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
      command.addAll(List.of("--runas", "nobody"));
    }
    Files.setPosixFilePermissions(
        net, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Process passt =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(dir.resolve("passt.log").toFile())
            .redirectErrorStream(true)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(socket)) {
      if (!passt.isAlive() || System.nanoTime() > deadline) {
        passt.destroyForcibly();
        throw new HypervisorException(
            "passt did not start for "
                + desktopId
                + ": "
                + SerialConsole.lastLines(dir.resolve("passt.log")));
      }
      Thread.sleep(20);
    }
    return passt;
  }

  private static void stopPasst(Process passt) {
    if (passt != null) {
      passt.destroyForcibly();
    }
  }

  private static boolean runningAsRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  List<String> arguments(GuestSpec spec, Path dir) throws IOException, HypervisorException {
    // capabilities() offers microvm under KVM, or TCG with a known TSC rate, and refusal() lets it
    // through only with a kernel to boot directly and no display.
    boolean microvm = spec.machine() == GuestSpec.Machine.MICROVM;
    String bus = microvm ? "device" : "pci";
    List<String> args = new ArrayList<>();
    args.addAll(List.of("-name", "veneer-" + spec.desktopId()));
    args.addAll(
        List.of("-machine", (microvm ? "microvm" : "q35") + ",accel=" + (kvm ? "kvm" : "tcg")));
    if (kvm) {
      args.addAll(List.of("-cpu", "host"));
    }
    args.addAll(
        List.of("-smp", String.valueOf(spec.size().vcpus()), "-m", spec.size().memoryMib() + "M"));
    args.addAll(List.of("-nodefaults", "-no-user-config", "-no-reboot"));
    if (spec.firmware() == GuestSpec.Firmware.UEFI) {
      args.addAll(uefi(dir));
    }
    args.addAll(List.of("-pidfile", dir.resolve("qemu.pid").toString()));
    args.addAll(List.of("-qmp", "unix:" + socket(dir, "qmp.sock") + ",server=on,wait=off"));
    args.addAll(List.of("-serial", "file:" + dir.resolve("console.log")));
    boolean sharedRoot = spec.boot() instanceof BootSource.SharedRoot;
    // A shared-root guest formats its empty disk on its first boot: zeroes written then stay
    // unallocated, so the disk holds little more than the desktop's own writes.
    args.addAll(
        List.of(
            "-drive",
            "id=os,file="
                + dir.resolve("os.qcow2")
                + ",format=qcow2,if=none,cache=writeback"
                + (sharedRoot ? ",discard=unmap,detect-zeroes=unmap" : "")));
    args.addAll(List.of("-device", "virtio-blk-" + bus + ",drive=os"));
    Optional<Path> userData = disks.attachedUserData(spec);
    if (userData.isPresent()) {
      args.addAll(
          List.of("-drive", "id=userdata,file=" + userData.get() + ",format=qcow2,if=none"));
      args.addAll(List.of("-device", "virtio-blk-" + bus + ",drive=userdata"));
    }
    String netdev =
        outbound(spec)
            ? "stream,id=net0,server=off,addr.type=unix,addr.path=" + socket(dir, "net/passt.sock")
            : "user,id=net0,restrict=on";
    args.addAll(List.of("-netdev", netdev, "-device", "virtio-net-" + bus + ",netdev=net0"));
    // Free page reporting hands pages the guest frees back to the host by itself; the statistics
    // tell the balloon policy how much of its memory the guest uses (memory()).
    args.addAll(
        List.of(
            "-device",
            "virtio-balloon-"
                + bus
                + ",id="
                + BALLOON
                + ",free-page-reporting=on,guest-stats-polling-interval="
                + BALLOON_STATS_INTERVAL.toSeconds()));
    // Before the image's own command line, which may thus override it.
    String tsc =
        microvm && tcgTscKhz.isPresent() ? "tsc_early_khz=" + tcgTscKhz.getAsLong() + " " : "";
    switch (spec.boot()) {
      case BootSource.DirectKernel direct -> {
        args.addAll(List.of("-kernel", direct.kernel().path().toString()));
        if (direct.initrd() != null) {
          args.addAll(List.of("-initrd", direct.initrd().path().toString()));
        }
        args.addAll(List.of("-append", "console=ttyS0 panic=1 " + tsc + direct.cmdline()));
      }
      case BootSource.SharedRoot sharedRootBoot -> {
        String digest = spec.image().digest();
        args.addAll(SharedRootBoot.of(layers.lowerOf(digest), digest).arguments(bus));
        args.addAll(List.of("-append", "console=ttyS0 panic=1 " + tsc + "quiet"));
      }
      case BootSource.DiskImage diskBoot -> {}
    }
    if (spec.display()) {
      // VNC on a unix socket in a directory only the agent's user can enter, made so before QEMU
      // binds it: no TCP port, no password; the agent's console listener is the only way in.
      Path vnc = dir.resolve("vnc");
      if (!Files.isDirectory(vnc, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(
            vnc,
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(
          vnc, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      Files.deleteIfExists(socket(dir, "vnc/vnc.sock"));
      // virtio-gpu behind a VGA front: firmware and guests without a virtio-gpu driver draw on
      // its VGA, guests with one (virtio_gpu, in Debian's kernels) on the paravirtual device.
      args.addAll(List.of("-device", "virtio-vga"));
      args.addAll(List.of("-vnc", "unix:" + socket(dir, "vnc/vnc.sock")));
    } else {
      args.addAll(List.of("-display", "none"));
    }
    return args;
  }

  @Override
  public void stop(String desktopId, Duration grace) throws HypervisorException {
    Path dir = dir(desktopId);
    Optional<ProcessHandle> process = guestProcess(desktopId);
    if (process.isEmpty()) {
      markStopped(dir);
      return;
    }
    markStopped(dir);
    try (QmpClient qmp = QmpClient.connect(socket(dir, "qmp.sock"))) {
      qmp.execute("system_powerdown", Map.of());
    } catch (IOException e) {
      log.fine("event=powerdown-failed desktop=" + desktopId + " reason=" + e.getMessage());
    }
    if (HostCommands.waitForExit(process.get(), grace)) {
      return;
    }
    try (QmpClient qmp = QmpClient.connect(socket(dir, "qmp.sock"))) {
      qmp.execute("quit", Map.of());
    } catch (IOException e) {
      log.fine("event=quit-failed desktop=" + desktopId + " reason=" + e.getMessage());
    }
    if (!HostCommands.waitForExit(process.get(), Duration.ofSeconds(5))) {
      process.get().destroyForcibly();
      HostCommands.waitForExit(process.get(), Duration.ofSeconds(5));
    }
  }

  private static void markStopped(Path dir) throws HypervisorException {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("stopped"), "");
    } catch (IOException e) {
      throw new HypervisorException("Cannot record the stop in " + dir, e);
    }
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) throws HypervisorException {
    stop(desktopId, Duration.ofSeconds(5));
    disks.delete(desktopId, deleteUserData);
    removeUnusedTrees();
  }

  /**
   * Removes the unpacked trees no shared-root desktop of this host names any more (the container
   * driver's rule, {@link RootfsLayers#removeAllBut}); while one desktop's is unknown, none.
   */
  private void removeUnusedTrees() throws HypervisorException {
    synchronized (layers) {
      Optional<Set<String>> inUse = disks.rootTreesInUse();
      if (inUse.isEmpty()) {
        return;
      }
      try {
        layers.removeAllBut(inUse.get());
      } catch (IOException e) {
        throw new HypervisorException("Cannot remove unused root trees: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Observation observe(String desktopId) {
    Path dir = dir(desktopId);
    if (!Files.exists(dir.resolve("os.qcow2"))) {
      return Observation.of(GuestState.ABSENT);
    }
    Optional<ProcessHandle> process = guestProcess(desktopId);
    if (process.isPresent()) {
      String status = "";
      try (QmpClient qmp = QmpClient.connect(socket(dir, "qmp.sock"))) {
        JsonNode reply = qmp.execute("query-status", Map.of());
        status = reply.path("status").asString("");
      } catch (IOException e) {
        return Observation.of(GuestState.STARTING);
      }
      GuestState state =
          switch (status) {
            case "running" -> GuestState.RUNNING;
            case "shutdown" -> GuestState.STOPPING;
            case "internal-error", "guest-panicked", "io-error" -> GuestState.FAILED;
            default -> GuestState.STARTING;
          };
      if (state == GuestState.FAILED) {
        return Observation.failed(
            "QEMU reports the guest as "
                + status
                + ": "
                + SerialConsole.tail(dir.resolve("console.log"), dir.resolve("qemu.log")));
      }
      if (state == GuestState.RUNNING && !ready(process.get(), dir)) {
        state = GuestState.STARTING;
      }
      return new Observation(state, "", console(dir));
    }
    if (Files.exists(dir.resolve("started")) && !Files.exists(dir.resolve("stopped"))) {
      return Observation.failed(
          "the guest stopped unexpectedly: "
              + SerialConsole.crashReason(dir.resolve("console.log"), dir.resolve("qemu.log")));
    }
    return Observation.of(GuestState.STOPPED);
  }

  /**
   * Whether the guest has printed the ready line in this boot: QEMU truncates the console log when
   * it starts, and once seen for a QEMU process it is not looked for again.
   */
  private boolean ready(ProcessHandle guest, Path dir) {
    // A pid alone could be reused by a later guest; with its start time it names one boot.
    String boot = guest.pid() + "@" + guest.info().startInstant().map(Object::toString).orElse("");
    if (readyGuests.contains(boot)) {
      return true;
    }
    if (SerialConsole.holds(dir.resolve("console.log"), readyLine)) {
      readyGuests.add(boot);
      return true;
    }
    return false;
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
    try (QmpClient qmp = QmpClient.connect(socket(dir(desktopId), "qmp.sock"))) {
      qmp.execute("balloon", Map.of("value", memoryMib << 20));
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot set the memory of " + desktopId + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks QEMU for the guest's size, its balloon and the guest's last statistics. A guest started
   * before its balloon had an id (older agents) answers nothing, and is left alone.
   */
  @Override
  public Optional<GuestMemory> memory(String desktopId) {
    if (!isRunning(desktopId)) {
      return Optional.empty();
    }
    try (QmpClient qmp = QmpClient.connect(socket(dir(desktopId), "qmp.sock"))) {
      long size = qmp.execute("query-memory-size-summary", Map.of()).path("base-memory").asLong();
      long balloon = qmp.execute("query-balloon", Map.of()).path("actual").asLong();
      JsonNode stats =
          qmp.execute(
              "qom-get",
              Map.of("path", "/machine/peripheral/" + BALLOON, "property", "guest-stats"));
      JsonNode figures = stats.path("stats");
      long total = figures.path("stat-total-memory").asLong(-1);
      long available = figures.path("stat-available-memory").asLong(-1);
      if (stats.path("last-update").asLong() == 0 || total < 0 || available < 0) {
        return Optional.of(GuestMemory.unreported(size >> 20, balloon >> 20));
      }
      // Without deflate-on-oom the guest's total shrinks with the balloon, so this is what the
      // guest uses whatever the balloon holds.
      return Optional.of(
          new GuestMemory(size >> 20, balloon >> 20, (total - available) >> 20, true));
    } catch (IOException e) {
      log.fine("event=balloon-unreadable desktop=" + desktopId + " reason=" + e.getMessage());
      return Optional.empty();
    }
  }

  /** The QEMU process of a desktop, from its pidfile, if it still runs that desktop. */
  Optional<ProcessHandle> guestProcess(String desktopId) {
    Path pidfile = dir(desktopId).resolve("qemu.pid");
    try {
      long pid = Long.parseLong(Files.readString(pidfile).strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .arguments()
                      .map(a -> String.join(" ", a))
                      .orElse("")
                      .contains("veneer-" + desktopId));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private boolean isRunning(String desktopId) {
    return guestProcess(desktopId).isPresent();
  }

  private ConsoleEndpoint console(Path dir) {
    try {
      Path socket = socket(dir, "vnc/vnc.sock");
      return Files.exists(socket)
          ? ConsoleEndpoint.newBuilder().setProtocol("vnc").setUnixSocket(socket.toString()).build()
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Path socket(Path dir, String name) throws IOException {
    return socketPaths.of(dir).resolve(name);
  }

  private Path dir(String desktopId) {
    return disks.dir(desktopId);
  }
}
