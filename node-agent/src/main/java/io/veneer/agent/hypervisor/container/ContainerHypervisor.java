package io.veneer.agent.hypervisor.container;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.DriverCapabilities;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.GuestState;
import io.veneer.agent.hypervisor.HostCommands;
import io.veneer.agent.hypervisor.Hypervisor;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.Observation;
import io.veneer.agent.hypervisor.RootfsLayers;
import io.veneer.rootfs.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Container desktops: each is a set of the host's namespaces (mount, PID, UTS, IPC, network, user),
 * made by bubblewrap, whose root is an overlay: lower = the image's root filesystem unpacked once
 * per host ({@link RootfsLayers}), shared read-only; upper = the desktop's own writes, discarded by
 * a refresh. A user-data disk, when the pool has one, is an ext4 file of that size mounted on
 * {@code /home/user}, so it survives refreshes and cannot outgrow its size. Inside runs the session
 * ({@code session.sh}): Xvfb, twm, xterm and x11vnc; the desktop is ready once x11vnc answers
 * {@code RFB 003.008} ({@link VncConsole}). Memory and CPU are limited by cgroups ({@link
 * Cgroups}), or the desktop is refused.
 *
 * <p>The network namespace holds only a loopback: nothing of the host, no other desktop, no outside
 * network (an outbound desktop is refused). The desktop's user is uid 1000 in a user namespace
 * whose only mapping is the agent's user, with no capabilities outside it.
 *
 * <p>The launcher runs in a session of its own and outlives the agent; a new agent re-adopts the
 * desktop from its pidfile. The overlay and the user-data mount live in the launcher's own mount
 * namespace, so they vanish with the desktop and never leak into the host's.
 *
 * <pre>
 * &lt;data&gt;/rootfs/&lt;hex&gt;/                    lower directories, one per image
 * &lt;data&gt;/containers/&lt;id&gt;/ image            the archive's digest and cached path
 *                           upper/ work/     the overlay's writes and its work directory
 *                           root/ home/      mount points, empty seen from the host
 *                           userdata.ext4    the user-data disk, when the pool has one
 *                           session.sh  session.log  launcher.pid  info.json
 *                           started / stopped (markers: a desktop gone without "stopped" crashed)
 * </pre>
 */
public final class ContainerHypervisor implements Hypervisor {

  private static final Logger log = Logger.getLogger(ContainerHypervisor.class.getName());
  private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");
  private static final int TAIL_LINES = 5;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private final Path containers;
  private final RootfsLayers layers;
  private final Cgroups cgroups;

  /** Each desktop's boot whose session has answered RFB: it is probed once a boot, not per look. */
  private final Map<String, String> readyBoots = new ConcurrentHashMap<>();

  /** Desktops under the data directory, limited by cgroups under the agent's own. */
  public ContainerHypervisor(Path dataDir) {
    this(dataDir, Cgroups.ofThisProcess());
  }

  ContainerHypervisor(Path dataDir, Cgroups cgroups) {
    // The overlay's options are comma- and colon-separated: a path with either cannot be named.
    if (dataDir.toAbsolutePath().toString().matches(".*[,:\\s].*")) {
      throw new IllegalArgumentException(
          "the container driver's data directory may not hold a comma, colon or space: " + dataDir);
    }
    this.containers = dataDir.toAbsolutePath().resolve("containers");
    this.layers = new RootfsLayers(dataDir.toAbsolutePath());
    this.cgroups = cgroups;
  }

  @Override
  public String name() {
    return "container";
  }

  /**
   * A shared root only, no machine or firmware of its own (q35 and BIOS stand for "the host's"), a
   * display, a user-data disk, and re-adoption; no balloon (a cgroup's limit is not one).
   */
  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(
        EnumSet.of(BootSource.Kind.SHARED_ROOT),
        EnumSet.of(GuestSpec.Machine.Q35),
        EnumSet.of(GuestSpec.Firmware.BIOS),
        true,
        false,
        true,
        true,
        true);
  }

  @Override
  public void createDisks(GuestSpec spec) throws HypervisorException {
    if (!spec.devices().userDataDiskId().isEmpty()) {
      // Its user-data disk is mounted from the desktop's own folder by the launcher: a user's disk
      // kept apart from desktops is not built for it, and a disk per desktop would not follow them.
      throw new HypervisorException(
          "the container driver cannot attach a user's user-data disk ("
              + spec.devices().userDataDiskId()
              + "): only a disk of the desktop's own");
    }
    Path dir = dir(spec.desktopId());
    try {
      // The lower directory is in use from the moment the image file names it: under the layers'
      // lock, so that a destroy elsewhere never removes it in between.
      synchronized (layers) {
        Path lower = layers.lower(spec.image());
        // Owner-only: the upper directory holds files the desktop's user made, as the agent's
        // user (root), setuid bits and all; no other user of the host may reach them.
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(containers, OWNER_ONLY);
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
        for (String sub : List.of("upper", "work", "root", "home")) {
          Files.createDirectories(dir.resolve(sub));
        }
        if (!Files.exists(dir.resolve("image"))) {
          Files.writeString(
              dir.resolve("image"), spec.image().digest() + "\n" + spec.image().path());
          log.info("event=container-created desktop=" + spec.desktopId() + " lower=" + lower);
        }
      }
      if (spec.devices().userDataGib() > 0 && !Files.exists(dir.resolve("userdata.ext4"))) {
        createUserData(dir, spec.devices().userDataGib());
      }
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot create the container of " + spec.desktopId() + ": " + e.getMessage(), e);
    }
  }

  /** A sparse ext4 file of the size: the size is a real limit, unlike a directory's. */
  private static void createUserData(Path dir, long gib) throws HypervisorException, IOException {
    Path partial = dir.resolve("userdata.ext4.partial");
    Files.deleteIfExists(partial);
    HostCommands.run(
        List.of("mke2fs", "-q", "-t", "ext4", "-F", partial.toString(), gib + "G"),
        "make the user-data disk");
    Files.move(partial, dir.resolve("userdata.ext4"));
  }

  @Override
  public void resetOsDisk(GuestSpec spec) throws HypervisorException {
    if (launcher(spec.desktopId()).isPresent()) {
      throw new HypervisorException(
          "Desktop " + spec.desktopId() + " must be stopped before a refresh");
    }
    Path dir = dir(spec.desktopId());
    try {
      Trees.delete(dir.resolve("upper"));
      Trees.delete(dir.resolve("work"));
      Files.deleteIfExists(dir.resolve("image"));
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot discard the writes of " + spec.desktopId() + ": " + e.getMessage(), e);
    }
    createDisks(spec);
  }

  @Override
  public void start(GuestSpec spec) throws HypervisorException {
    String desktopId = spec.desktopId();
    if (launcher(desktopId).isPresent()) {
      return;
    }
    if (spec.devices().network() != GuestSpec.Network.OFF) {
      throw new HypervisorException(
          "Desktop " + desktopId + " may connect outbound, but container desktops have no network");
    }
    createDisks(spec);
    Path dir = dir(desktopId);
    List<Path> groups = cgroups.create(desktopId, spec.size());
    try {
      Path lower = layers.lowerOf(Files.readAllLines(dir.resolve("image")).getFirst());
      writeSessionFiles(dir);
      Files.deleteIfExists(dir.resolve("stopped"));
      Files.deleteIfExists(dir.resolve("info.json"));
      Files.writeString(dir.resolve("started"), "");
      Process launcher =
          new ProcessBuilder(ContainerLaunch.command(desktopId, dir, lower, groups))
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(dir.resolve("session.log").toFile())
              .redirectErrorStream(true)
              .start();
      Files.writeString(dir.resolve("launcher.pid"), String.valueOf(launcher.pid()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (childPid(dir).isEmpty()) {
        if (!launcher.isAlive() || System.nanoTime() > deadline) {
          launcher.destroyForcibly();
          throw new HypervisorException(
              "The container of " + desktopId + " did not start: " + tail(dir));
        }
        Thread.sleep(10);
      }
      log.info("event=container-started desktop=" + desktopId + " pid=" + launcher.pid());
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot start the container of " + desktopId + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException("Interrupted while starting " + desktopId, e);
    }
  }

  /** The session script, owner-only, bound read-only into the desktop. */
  private static void writeSessionFiles(Path dir) throws IOException {
    Path session = dir.resolve("session.sh");
    try (var script = ContainerHypervisor.class.getResourceAsStream("session.sh")) {
      Files.write(session, script.readAllBytes());
    }
    Files.setPosixFilePermissions(session, PosixFilePermissions.fromString("r-x------"));
  }

  /**
   * Asks the session to end (SIGTERM to every process of the desktop but the namespace's init,
   * which ends with its session), and kills what is left after the grace.
   */
  @Override
  public void stop(String desktopId, Duration grace) throws HypervisorException {
    Path dir = dir(desktopId);
    Optional<ProcessHandle> launcher = launcher(desktopId);
    markStopped(dir);
    readyBoots.remove(desktopId);
    if (launcher.isPresent()) {
      long init = childPid(dir).orElse(-1L);
      for (ProcessHandle process : cgroups.processes(desktopId)) {
        if (process.pid() != launcher.get().pid() && process.pid() != init) {
          process.destroy();
        }
      }
      if (!HostCommands.waitForExit(launcher.get(), grace)) {
        launcher.get().destroyForcibly();
        cgroups.processes(desktopId).forEach(ProcessHandle::destroyForcibly);
        HostCommands.waitForExit(launcher.get(), Duration.ofSeconds(5));
      }
      log.info("event=container-stopped desktop=" + desktopId);
    }
    try {
      cgroups.remove(desktopId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HypervisorException("Interrupted while stopping " + desktopId, e);
    }
  }

  private static void markStopped(Path dir) throws HypervisorException {
    try {
      if (Files.isDirectory(dir)) {
        Files.writeString(dir.resolve("stopped"), "");
      }
    } catch (IOException e) {
      throw new HypervisorException("Cannot record the stop in " + dir, e);
    }
  }

  @Override
  public void destroy(String desktopId, boolean deleteUserData) throws HypervisorException {
    stop(desktopId, Duration.ofSeconds(5));
    Path dir = dir(desktopId);
    try {
      if (deleteUserData || !Files.exists(dir.resolve("userdata.ext4"))) {
        Trees.delete(dir);
      } else {
        try (Stream<Path> children = Files.list(dir)) {
          for (Path child : children.toList()) {
            if (!child.getFileName().toString().equals("userdata.ext4")) {
              Trees.delete(child);
            }
          }
        }
      }
      log.info("event=container-destroyed desktop=" + desktopId + " userData=" + deleteUserData);
      removeUnusedLowers();
    } catch (IOException e) {
      throw new HypervisorException("Cannot delete the container of " + desktopId, e);
    }
  }

  /** Removes the lower directories no desktop of this host names any more (one per image). */
  private void removeUnusedLowers() throws IOException {
    synchronized (layers) {
      Set<String> inUse = new java.util.HashSet<>();
      for (String desktopId : inventory()) {
        try {
          inUse.add(Files.readAllLines(dir(desktopId).resolve("image")).getFirst());
        } catch (IOException | java.util.NoSuchElementException e) {
          // Which lower it uses is unknown: keep them all rather than pull one from under it.
          log.warning("event=container-image-unreadable desktop=" + desktopId);
          return;
        }
      }
      layers.removeAllBut(inUse);
    }
  }

  @Override
  public Observation observe(String desktopId) {
    Path dir = dir(desktopId);
    if (!Files.exists(dir.resolve("image"))) {
      return Observation.of(GuestState.ABSENT);
    }
    Optional<ProcessHandle> launcher = launcher(desktopId);
    if (launcher.isPresent()) {
      if (Files.exists(dir.resolve("stopped"))) {
        return Observation.of(GuestState.STOPPING);
      }
      Optional<Long> init = childPid(dir);
      if (init.isEmpty()) {
        return Observation.of(GuestState.STARTING);
      }
      String boot = boot(launcher.get());
      Path socket = VncConsole.socketOf(init.get());
      if (!boot.equals(readyBoots.get(desktopId))) {
        if (!VncConsole.answersRfb(socket)) {
          return Observation.of(GuestState.STARTING);
        }
        readyBoots.put(desktopId, boot);
      }
      return new Observation(GuestState.RUNNING, "", VncConsole.endpoint(socket));
    }
    readyBoots.remove(desktopId);
    if (Files.exists(dir.resolve("started")) && !Files.exists(dir.resolve("stopped"))) {
      return Observation.failed("the desktop's session ended unexpectedly: " + tail(dir));
    }
    return Observation.of(GuestState.STOPPED);
  }

  @Override
  public Set<String> inventory() {
    try (Stream<Path> dirs = Files.list(containers)) {
      return dirs.filter(d -> Files.exists(d.resolve("image")))
          .map(d -> d.getFileName().toString())
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      return Set.of();
    }
  }

  @Override
  public Set<Path> goldenImagesInUse() {
    Set<Path> images = new java.util.HashSet<>();
    for (String desktopId : inventory()) {
      try {
        List<String> lines = Files.readAllLines(dir(desktopId).resolve("image"));
        images.add(Path.of(lines.get(1)));
      } catch (IOException | IndexOutOfBoundsException e) {
        log.warning("event=container-image-unreadable desktop=" + desktopId);
      }
    }
    return Set.copyOf(images);
  }

  /** Container desktops have no balloon: their memory is a cgroup limit, set when they start. */
  @Override
  public void setMemoryTarget(String desktopId, long memoryMib) throws HypervisorException {
    throw new HypervisorException("the container driver has no balloon");
  }

  /** The lower directory of the image of that digest (tests and figures compare them). */
  Path lowerOf(String digest) {
    return layers.lowerOf(digest);
  }

  /** The desktop's launcher, from its pidfile, if it still runs that desktop. */
  Optional<ProcessHandle> launcher(String desktopId) {
    Path dir = dir(desktopId);
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("launcher.pid")).strip());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              p ->
                  p.info()
                      .arguments()
                      .map(a -> String.join(" ", a))
                      .orElse("")
                      .contains(dir.resolve("root").toString()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The pid (in the host's namespace) of the desktop's init, once bubblewrap has reported it. */
  static Optional<Long> childPid(Path dir) {
    try {
      Matcher matcher = CHILD_PID.matcher(Files.readString(dir.resolve("info.json")));
      return matcher.find() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A pid alone could be reused by a later desktop; with its start time it names one boot. */
  private static String boot(ProcessHandle process) {
    return process.pid() + "@" + process.info().startInstant().map(Object::toString).orElse("");
  }

  private static String tail(Path dir) {
    try {
      List<String> lines =
          Files.readAllLines(dir.resolve("session.log"), StandardCharsets.ISO_8859_1);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()))
          .strip();
    } catch (IOException e) {
      return "(no session log)";
    }
  }

  Path dir(String desktopId) {
    if (!desktopId.matches("[A-Za-z0-9][A-Za-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("'" + desktopId + "' is not a desktop id");
    }
    return containers.resolve(desktopId);
  }
}
