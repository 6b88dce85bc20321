package io.veneer.images.catalogue;

import java.util.Set;

/**
 * Virtual hardware desktops cloned from an image get.
 *
 * @param machine {@code q35} or {@code microvm}
 * @param firmware {@code bios} or {@code uefi}
 * @param vcpus default vCPUs
 * @param memoryMib default memory
 * @param bootMode {@code disk} or {@code direct-kernel}
 * @param kernelCmdline kernel command line for direct kernel boot
 * @param display whether desktops get a display (the browser console needs one)
 */
public record HardwareProfile(
    String machine,
    String firmware,
    int vcpus,
    long memoryMib,
    String bootMode,
    String kernelCmdline,
    boolean display) {

  private static final Set<String> MACHINES = Set.of("q35", "microvm");
  private static final Set<String> FIRMWARES = Set.of("bios", "uefi");
  private static final Set<String> BOOT_MODES = Set.of("disk", "direct-kernel");

  public static final HardwareProfile DEFAULT =
      new HardwareProfile("q35", "bios", 2, 2048, "disk", "", true);

  public HardwareProfile {
    machine = machine == null || machine.isBlank() ? "q35" : machine;
    firmware = firmware == null || firmware.isBlank() ? "bios" : firmware;
    bootMode = bootMode == null || bootMode.isBlank() ? "disk" : bootMode;
    kernelCmdline = kernelCmdline == null ? "" : kernelCmdline;
    require(MACHINES.contains(machine), "machine must be q35 or microvm, not '" + machine + "'");
    require(FIRMWARES.contains(firmware), "firmware must be bios or uefi, not '" + firmware + "'");
    require(
        BOOT_MODES.contains(bootMode),
        "bootMode must be disk or direct-kernel, not '" + bootMode + "'");
    require(vcpus >= 1 && vcpus <= 256, "vcpus must be between 1 and 256, not " + vcpus);
    require(
        memoryMib >= 64 && memoryMib <= 4 * 1024 * 1024,
        "memoryMib must be between 64 and 4194304, not " + memoryMib);
    require(
        !(machine.equals("microvm") && display),
        "a microvm machine has no display device; use q35 for desktops with a console");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
