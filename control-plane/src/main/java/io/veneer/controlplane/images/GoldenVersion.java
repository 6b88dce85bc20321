package io.veneer.controlplane.images;

/** A published golden image version as pools use it: what to clone desktops from. */
public record GoldenVersion(String imageName, String versionId, String digest) {}
