package io.veneer.agent.portability;

import io.veneer.agent.hypervisor.HostCommands;
import io.veneer.agent.hypervisor.HypervisorException;
import io.veneer.agent.hypervisor.qemu.QcowDisks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A stopped desktop's writes as they leave a host and arrive on another (see
 * docs/desktop-portability.md). Out: its OS overlay checked, then copied with the backing reference
 * cleared, a plain qcow2 of only what the desktop wrote (the golden image travels by digest, not
 * with it). In: such writes put under a desktop's folder as its OS overlay on this host's copy of
 * the golden image. The QEMU and libvirt drivers keep the same overlays ({@link QcowDisks}), so
 * what arrives here boots under either.
 */
public final class DesktopWrites {

  private final QcowDisks disks;
  private final String qemuImg;

  public DesktopWrites(QcowDisks disks, String qemuImg) {
    this.disks = disks;
    this.qemuImg = qemuImg;
  }

  /**
   * Copies a stopped desktop's writes to {@code target}; its overlay stays as it was. A running
   * guest's overlay is refused by qemu-img's image lock.
   *
   * @throws HypervisorException when the desktop has no overlay here, or it is in use or corrupt
   */
  public void copyOut(String desktopId, Path target) throws HypervisorException {
    Path overlay = disks.osDisk(desktopId);
    if (!Files.exists(overlay)) {
      throw new HypervisorException("Desktop " + desktopId + " has no OS overlay on this host");
    }
    check(overlay, "check the OS overlay of " + desktopId);
    try {
      Files.copy(overlay, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new HypervisorException("Cannot copy the OS overlay of " + desktopId, e);
    }
    HostCommands.run(
        List.of(qemuImg, "rebase", "-u", "-f", "qcow2", "-b", "", target.toString()),
        "clear the backing reference of the writes of " + desktopId);
  }

  /**
   * Makes {@code writes} (from {@link #copyOut} on some host) the OS overlay of {@code desktopId}
   * here, on {@code golden}, this host's copy of the desktop's golden image. The overlay appears
   * whole or not at all, and never replaces one.
   *
   * @throws HypervisorException when the desktop already has an overlay here, or the writes do not
   *     check clean on the golden image
   */
  public void copyIn(String desktopId, Path writes, Path golden) throws HypervisorException {
    Path overlay = disks.osDisk(desktopId);
    Path part = overlay.resolveSibling("os.qcow2.arriving");
    try {
      if (Files.exists(overlay)) {
        throw new HypervisorException(
            "Desktop " + desktopId + " already has an OS overlay on this host");
      }
      Files.createDirectories(overlay.getParent());
      Files.copy(writes, part, StandardCopyOption.REPLACE_EXISTING);
      HostCommands.run(
          List.of(
              qemuImg,
              "rebase",
              "-u",
              "-f",
              "qcow2",
              "-b",
              golden.toAbsolutePath().toString(),
              "-F",
              "qcow2",
              part.toString()),
          "put the arriving writes of " + desktopId + " on their golden image");
      check(part, "check the arriving writes of " + desktopId);
      Files.move(part, overlay, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new HypervisorException(
          "Cannot put the arriving writes of " + desktopId + " in place: " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(part);
      } catch (IOException e) {
        // Left for the next copyIn, which replaces it.
      }
    }
  }

  private void check(Path qcow2, String what) throws HypervisorException {
    HostCommands.run(List.of(qemuImg, "check", "-q", "-f", "qcow2", qcow2.toString()), what);
  }
}
