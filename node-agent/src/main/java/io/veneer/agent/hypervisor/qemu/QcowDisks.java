package io.veneer.agent.hypervisor.qemu;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.HostCommands;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.rootfs.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The disks of QEMU guests, whichever driver starts them: per desktop a folder {@code
 * <data>/desktops/<id>/} holding {@code os.qcow2}, a qcow2 overlay on the cached golden image (an
 * empty disk for a shared-root desktop, which has no golden disk, beside {@code rootfs} naming the
 * digest of the tree it shares), and {@code userdata.qcow2}, made with {@code qemu-img}. A
 * user-data disk the control plane names by id is a user's, kept apart from every desktop in {@code
 * <data>/userdata/<disk id>.qcow2} and attached to whichever desktop names it; removing a desktop
 * never deletes it. A desktop is in the host's inventory while its OS overlay exists.
 */
public final class QcowDisks {

  private static final Logger log = Logger.getLogger(QcowDisks.class.getName());
  // The virtual size of a shared-root desktop's own disk; it takes room only as the desktop writes.
  private static final String SHARED_ROOT_OS_DISK = "2G";
  // Beside a shared-root desktop's disk: the digest of the unpacked tree its guest shares.
  private static final String ROOTFS_RECORD = "rootfs";

  private final Path desktops;
  private final Path userDisks;
  private final String qemuImg;

  public QcowDisks(Path dataDir, String qemuImg) {
    this.desktops = dataDir.resolve("desktops");
    this.userDisks = dataDir.resolve("userdata");
    this.qemuImg = qemuImg;
  }

  /** The desktop's folder; an id that could leave it is refused. */
  public Path dir(String desktopId) {
    if (!desktopId.matches("[A-Za-z0-9][A-Za-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("'" + desktopId + "' is not a desktop id");
    }
    return desktops.resolve(desktopId);
  }

  public Path osDisk(String desktopId) {
    return dir(desktopId).resolve("os.qcow2");
  }

  /** The user-data disk of the desktop's own (one the control plane did not name). */
  public Path userDataDisk(String desktopId) {
    return dir(desktopId).resolve("userdata.qcow2");
  }

  /** The user-data disk the spec asks for: a user's by its id, else the desktop's own. */
  public Path userDataDisk(GuestSpec spec) {
    String diskId = spec.devices().userDataDiskId();
    return diskId.isEmpty() ? userDataDisk(spec.desktopId()) : userDisks.resolve(diskId + ".qcow2");
  }

  /** The user-data disk a guest of the spec gets attached, if it asks for one and it exists. */
  public Optional<Path> attachedUserData(GuestSpec spec) {
    Path disk = userDataDisk(spec);
    return spec.devices().userDataGib() > 0 && Files.exists(disk)
        ? Optional.of(disk)
        : Optional.empty();
  }

  /** Creates the OS overlay (and the user-data disk the spec asks for) unless they exist. */
  public void create(GuestSpec spec) throws HypervisorException {
    Path dir = dir(spec.desktopId());
    try {
      Files.createDirectories(dir);
      if (!Files.exists(osDisk(spec.desktopId()))) {
        createOverlay(spec, dir);
      }
      Path userData = userDataDisk(spec);
      if (spec.devices().userDataGib() > 0 && !Files.exists(userData)) {
        Files.createDirectories(userData.getParent());
        // Made under another name and moved into place, so that a disk is there whole or not at
        // all: an agent stopped halfway never attaches half a disk as the user's.
        Path partial = userData.resolveSibling(userData.getFileName() + ".part");
        createQcow2(
            "create the user-data disk", partial.toString(), spec.devices().userDataGib() + "G");
        Files.move(partial, userData, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot create the disks of " + spec.desktopId() + ": " + e.getMessage(), e);
    }
  }

  /** Discards the OS overlay and makes a new one on the golden image; the guest must not run. */
  public void resetOs(GuestSpec spec) throws HypervisorException {
    Path dir = dir(spec.desktopId());
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(osDisk(spec.desktopId()));
    } catch (IOException e) {
      throw new HypervisorException("Cannot discard the overlay of " + spec.desktopId(), e);
    }
    createOverlay(spec, dir);
  }

  private void createOverlay(GuestSpec spec, Path dir) throws HypervisorException {
    Path temp = dir.resolve("os.qcow2.part");
    if (spec.boot() instanceof BootSource.SharedRoot) {
      try {
        // Written before the disk, so a desktop in the inventory always names its tree.
        Files.writeString(dir.resolve(ROOTFS_RECORD), spec.image().digest() + "\n");
      } catch (IOException e) {
        throw new HypervisorException("Cannot record the root tree of " + spec.desktopId(), e);
      }
      // No golden disk: the image is a shared tree, and this disk holds only the desktop's writes
      // (the upper of the guest's overlay), formatted by the guest on its first boot. Clusters of
      // 4 KiB, the file system's blocks: with QEMU's 64 KiB each of the file system's scattered
      // metadata blocks takes a cluster of its own (1.3 MiB after the first boot, 284 KiB here).
      createQcow2(
          "create the OS disk", "-o", "cluster_size=4k", temp.toString(), SHARED_ROOT_OS_DISK);
    } else {
      createQcow2(
          "create the OS overlay",
          "-b",
          spec.image().path().toAbsolutePath().toString(),
          "-F",
          "qcow2",
          temp.toString());
    }
    try {
      Files.move(temp, osDisk(spec.desktopId()), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot put the OS overlay of " + spec.desktopId() + " in place", e);
    }
  }

  /**
   * Deletes the desktop's files and folders (its display's socket folder among them), a user-data
   * disk of its own (and then the folder) only when asked. Links are deleted, never followed.
   */
  public void delete(String desktopId, boolean deleteUserData) throws HypervisorException {
    Path dir = dir(desktopId);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        if (deleteUserData || !file.equals(userDataDisk(desktopId))) {
          Trees.delete(file);
        }
      }
      // Kept only for a user-data disk of the desktop's own; a user's named disk lives elsewhere.
      if (deleteUserData || !Files.exists(userDataDisk(desktopId))) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot delete the disks of " + desktopId + ": " + e.getMessage(), e);
    }
  }

  /** Every desktop with an OS overlay, listed from the disk without asking any guest. */
  public Set<String> inventory() {
    if (!Files.isDirectory(desktops)) {
      return Set.of();
    }
    try (Stream<Path> dirs = Files.list(desktops)) {
      return dirs.filter(d -> Files.exists(d.resolve("os.qcow2")))
          .map(d -> d.getFileName().toString())
          .collect(Collectors.toSet());
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** The golden images the OS overlays are on, read from their qcow2 headers. */
  public Set<Path> goldenImagesInUse() {
    Set<Path> goldens = new HashSet<>();
    for (String desktopId : inventory()) {
      try {
        Qcow2Header.backingFile(osDisk(desktopId)).ifPresent(goldens::add);
      } catch (IOException e) {
        // Unreadable now (being replaced by a refresh, say): the next pass reads it again.
        log.fine("event=overlay-unreadable desktop=" + desktopId + " reason=" + e.getMessage());
      }
    }
    return goldens;
  }

  /**
   * The digests of the unpacked trees shared-root desktops share (their disks have no backing
   * file), or empty when a desktop's cannot be told (an unreadable disk or record): then no tree
   * may be removed.
   */
  public Optional<Set<String>> rootTreesInUse() {
    Set<String> digests = new HashSet<>();
    for (String desktopId : inventory()) {
      try {
        if (Qcow2Header.backingFile(osDisk(desktopId)).isEmpty()) {
          digests.add(Files.readAllLines(dir(desktopId).resolve(ROOTFS_RECORD)).getFirst());
        }
      } catch (IOException | NoSuchElementException e) {
        log.warning("event=root-tree-unknown desktop=" + desktopId + " reason=" + e);
        return Optional.empty();
      }
    }
    return Optional.of(digests);
  }

  /**
   * Refuses a file a process running as another user ({@code who}) could not reach: each ancestor
   * must be traversable by others.
   */
  public static void requireTraversableByOthers(Path path, String who)
      throws HypervisorException, IOException {
    for (Path d = path.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
      if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
        throw new HypervisorException(
            who
                + " cannot reach "
                + path
                + ": "
                + d
                + " must be traversable by others (chmod o+x)");
      }
    }
  }

  /** {@code qemu-img create -q -f qcow2 <arguments>}. */
  private void createQcow2(String what, String... arguments) throws HypervisorException {
    List<String> command = new ArrayList<>(List.of(qemuImg, "create", "-q", "-f", "qcow2"));
    command.addAll(List.of(arguments));
    HostCommands.run(command, what);
  }
}
