package io.veneer.controlplane.pools;

import java.util.Set;

/**
 * The virtual hardware a pool's desktops get, handed to node agents with every desired desktop. A
 * missing or blank value takes its default ({@link #DEFAULT}: q35, bios, disk, no display).
 *
 * @param machine {@code q35} or {@code microvm} (no display device)
 * @param firmware {@code bios} or {@code uefi}
 * @param bootMode {@code disk}: the firmware boots the OS disk. {@code direct-kernel}: the
 *     hypervisor boots the golden version's kernel (and initrd) itself, which the pool then needs
 *     (see {@link DirectKernel}). {@code shared-root}: no kernel of the desktop's own; its root is
 *     an overlay of the golden version's root filesystem (a version of kind rootfs), run by a
 *     driver that announces it (the container driver)
 * @param display whether desktops get a display; the browser console needs one. Never {@code null}
 *     once constructed: a missing value is {@code false} (boxed so that JSON may leave it out)
 */
public record GuestHardware(String machine, String firmware, String bootMode, Boolean display) {

  private static final Set<String> MACHINES = Set.of("q35", "microvm");
  private static final Set<String> FIRMWARES = Set.of("bios", "uefi");
  private static final Set<String> BOOT_MODES = Set.of("disk", "direct-kernel", "shared-root");

  // After the sets: the constructor reads them.
  public static final GuestHardware DEFAULT = new GuestHardware("q35", "bios", "disk", false);

  public GuestHardware {
    machine = machine == null || machine.isBlank() ? "q35" : machine.strip();
    firmware = firmware == null || firmware.isBlank() ? "bios" : firmware.strip();
    bootMode = bootMode == null || bootMode.isBlank() ? "disk" : bootMode.strip();
    display = display != null && display;
    if (!MACHINES.contains(machine)) {
      throw new IllegalArgumentException(
          "hardware.machine must be q35 or microvm, not '" + machine + "'");
    }
    if (!FIRMWARES.contains(firmware)) {
      throw new IllegalArgumentException(
          "hardware.firmware must be bios or uefi, not '" + firmware + "'");
    }
    if (!BOOT_MODES.contains(bootMode)) {
      throw new IllegalArgumentException(
          "hardware.bootMode must be disk, direct-kernel or shared-root, not '" + bootMode + "'");
    }
    if (machine.equals("microvm") && display) {
      throw new IllegalArgumentException(
          "a microvm machine has no display device; use q35 for desktops with a console");
    }
  }
}
