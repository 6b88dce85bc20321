package io.veneer.controlplane.images;

import io.veneer.controlplane.pools.DirectKernel;
import io.veneer.controlplane.pools.GuestHardware;

/**
 * A published golden image version as pools use it: what to clone desktops from, and the virtual
 * hardware the image asks for, and the kernel it carries for direct kernel boot ({@link
 * DirectKernel#NONE} if none). {@code rootFilesystem}: its bits are a root-filesystem tar, which
 * only pools with bootMode shared-root use; {@code carriesKernel}: that tree holds its own kernel
 * and initrd, which shared-root virtual machines boot (container desktops need none).
 */
public record GoldenVersion(
    String imageName,
    String versionId,
    String digest,
    GuestHardware hardware,
    DirectKernel directKernel,
    boolean rootFilesystem,
    boolean carriesKernel) {}
