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
 */
public record DriverCapabilities(
    Set<BootSource.Kind> bootSources,
    Set<GuestSpec.Machine> machines,
    Set<GuestSpec.Firmware> firmwares,
    boolean display,
    boolean balloon,
    boolean persistentUserDisk,
    boolean readoption) {

  public DriverCapabilities {
    bootSources = Set.copyOf(bootSources);
    machines = Set.copyOf(machines);
    firmwares = Set.copyOf(firmwares);
  }

  /** Why the driver cannot run the guest as specified, naming the capability; empty if it can. */
  public Optional<String> refusal(GuestSpec spec, String driver) {
    String lacks = "the " + driver + " driver on this host ";
    if (!bootSources.contains(spec.boot().kind())) {
      return Optional.of(lacks + "cannot boot from " + name(spec.boot().kind()) + " (boot source)");
    }
    if (!machines.contains(spec.machine())) {
      return Optional.of(lacks + "cannot give a guest machine=" + name(spec.machine()));
    }
    if (spec.machine() == GuestSpec.Machine.MICROVM
        && (spec.display() || !(spec.boot() instanceof BootSource.DirectKernel))) {
      return Optional.of("machine=microvm needs direct-kernel boot and no display");
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
    return Optional.empty();
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
