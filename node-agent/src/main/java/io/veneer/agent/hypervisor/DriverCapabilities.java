package io.veneer.agent.hypervisor;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a driver can do on this host. The agent sends it in its Hello, the scheduler places only
 * desktops a host's driver can honour, and the agent refuses any other with the reason, rather than
 * running something else than what was asked.
 *
 * @param bootSources the boot sources it can boot
 * @param machines the machine types it can give a guest
 * @param firmwares the firmwares it can boot a guest with
 * @param display whether it can give a guest a display for the browser console
 * @param balloon whether it can change a running guest's memory (a balloon)
 * @param persistentUserDisk whether it can attach a user-data disk that survives refreshes
 * @param readoption whether a restarted agent finds its running guests again (they outlive it)
 * @param sharedRootWithoutKernel whether it boots shared-root desktops of a tree without its own
 *     kernel and initrd ({@code GuestBootFiles}): container desktops run on the host's kernel, a
 *     shared-root virtual machine needs the tree's
 */
public record DriverCapabilities(
    Set<BootSource.Kind> bootSources,
    Set<GuestSpec.Machine> machines,
    Set<GuestSpec.Firmware> firmwares,
    boolean display,
    boolean balloon,
    boolean persistentUserDisk,
    boolean readoption,
    boolean sharedRootWithoutKernel) {

  public DriverCapabilities {
    bootSources = Set.copyOf(bootSources);
    machines = Set.copyOf(machines);
    firmwares = Set.copyOf(firmwares);
  }

  /**
   * The least memory a UEFI guest boots with: OVMF (Debian 12's, 4 MiB build) stops with a CPU
   * exception while loading the kernel at 96 and 128 MiB and boots at 192 (dev-2c, TCG).
   */
  static final long UEFI_MIN_MEMORY_MIB = 192;

  /** Why the driver cannot run the guest as specified, naming the capability; empty if it can. */
  public Optional<String> refusal(GuestSpec spec, String driver) {
    String lacks = "the " + driver + " driver on this host ";
    if (!bootSources.contains(spec.boot().kind())) {
      return Optional.of(lacks + "cannot boot from " + name(spec.boot().kind()) + " (boot source)");
    }
    if (!machines.contains(spec.machine())) {
      return Optional.of(lacks + "cannot give a guest machine=" + name(spec.machine()));
    }
    // A microvm has no firmware to boot a disk with: its kernel is given directly.
    if (spec.machine() == GuestSpec.Machine.MICROVM
        && (spec.display() || spec.boot() instanceof BootSource.DiskImage)) {
      return Optional.of(
          "machine=microvm needs direct-kernel or shared-root boot (a kernel given directly) and no"
              + " display");
    }
    if (spec.machine() == GuestSpec.Machine.MICROVM && spec.firmware() == GuestSpec.Firmware.UEFI) {
      return Optional.of(
          "machine=microvm boots its kernel without firmware: firmware=uefi needs q35");
    }
    if (!firmwares.contains(spec.firmware())) {
      return Optional.of(lacks + "cannot boot firmware=" + name(spec.firmware()));
    }
    if (spec.display() && !display) {
      return Optional.of(lacks + "cannot give a guest a display");
    }
    if (spec.devices().userDataGib() > 0 && !persistentUserDisk) {
      return Optional.of(lacks + "cannot attach a persistent user-data disk");
    }
    if (spec.firmware() == GuestSpec.Firmware.UEFI
        && spec.size().memoryMib() < UEFI_MIN_MEMORY_MIB) {
      return Optional.of(
          "firmware=uefi needs at least "
              + UEFI_MIN_MEMORY_MIB
              + " MiB of memory (OVMF fails below it), not "
              + spec.size().memoryMib());
    }
    return Optional.empty();
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
