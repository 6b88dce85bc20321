package io.veneer.agent.hypervisor;

import io.veneer.agent.v1.GuestNetwork;
import java.nio.file.Path;

/**
 * Everything a driver needs to run one desktop, with blobs already resolved to files in the host's
 * image cache.
 *
 * @param desktopId identity
 * @param vcpus virtual CPUs
 * @param memoryMib memory
 * @param machine {@code q35} or {@code microvm}
 * @param display whether the guest gets a display (VNC on 127.0.0.1 with a password)
 * @param golden the cached golden qcow2 the OS overlay is backed by
 * @param kernel the kernel for direct kernel boot, or null to boot from disk
 * @param initrd the initrd for direct kernel boot, or null
 * @param cmdline kernel command line for direct kernel boot
 * @param userDataGib size of the persistent user-data disk, 0 for none
 * @param network what the guest's network may reach; anything but outbound is off
 */
public record GuestSpec(
    String desktopId,
    int vcpus,
    long memoryMib,
    String machine,
    boolean display,
    Path golden,
    Path kernel,
    Path initrd,
    String cmdline,
    long userDataGib,
    GuestNetwork network) {}
