package io.veneer.agent.hypervisor;

/**
 * What one desktop is, whatever runs it: the drivers decide how. Blobs are already resolved to
 * files in the host's image cache.
 *
 * @param desktopId identity
 * @param size virtual CPUs and memory
 * @param image the golden disk image the OS disk is an overlay of
 * @param boot where the kernel comes from
 * @param machine the machine type
 * @param firmware the firmware
 * @param display whether the guest gets a display (for the browser console)
 * @param devices its other devices
 */
public record GuestSpec(
    String desktopId,
    Size size,
    ImageRef image,
    BootSource boot,
    Machine machine,
    Firmware firmware,
    boolean display,
    Devices devices) {

  /**
   * @param vcpus virtual CPUs, at least 1
   * @param memoryMib memory, at least 64 MiB
   */
  public record Size(int vcpus, long memoryMib) {}

  /**
   * @param userDataGib size of the persistent user-data disk, 0 for none
   * @param network what the guest's network may reach
   * @param userDataDiskId the user-data disk's own id, kept by the host apart from any desktop and
   *     attached to whichever desktop names it; empty for a disk of the desktop's own
   */
  public record Devices(long userDataGib, Network network, String userDataDiskId) {

    public Devices {
      userDataDiskId = userDataDiskId == null ? "" : userDataDiskId;
      if (!userDataDiskId.isEmpty() && !userDataDiskId.matches("[A-Za-z0-9][A-Za-z0-9-]{0,63}")) {
        throw new IllegalArgumentException("'" + userDataDiskId + "' is not a user-data disk id");
      }
    }

    /** Devices whose user-data disk, if any, is the desktop's own. */
    public Devices(long userDataGib, Network network) {
      this(userDataGib, network, "");
    }
  }

  public enum Machine {
    /** A PCIe machine for everything. */
    Q35,
    /** A minimal virtio-mmio machine: direct kernel boot and no display only. */
    MICROVM
  }

  public enum Firmware {
    BIOS,
    UEFI
  }

  /** What a guest's network may reach; a guest never reaches its host or another desktop. */
  public enum Network {
    /** A link with nothing behind it. */
    OFF,
    /** Outbound connections to the outside only, from the host's egress network namespace. */
    OUTBOUND
  }
}
