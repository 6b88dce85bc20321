package io.veneer.controlplane.images;

import io.veneer.controlplane.pools.DirectKernel;
import io.veneer.controlplane.pools.GuestHardware;

/**
 * A published golden image version as pools use it: what to clone desktops from, and the virtual
 * hardware the image asks for, and the kernel it carries for direct kernel boot ({@link
 * DirectKernel#NONE} if none).
 */
public record GoldenVersion(
    String imageName,
    String versionId,
    String digest,
    GuestHardware hardware,
    DirectKernel directKernel) {}
