package io.veneer.controlplane.images;

import io.veneer.controlplane.pools.GuestHardware;

/**
 * A published golden image version as pools use it: what to clone desktops from, and the virtual
 * hardware the image asks for.
 */
public record GoldenVersion(
    String imageName, String versionId, String digest, GuestHardware hardware) {}
