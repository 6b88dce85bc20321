package io.veneer.images.catalogue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle of an image version, with every allowed transition listed here and nowhere else: {@code
 * UPLOADING -> VERIFYING -> AVAILABLE -> PUBLISHED -> DEPRECATED -> DELETED}, or {@code REJECTED}
 * with a reason from upload or verification.
 */
public enum VersionState {
  UPLOADING,
  VERIFYING,
  AVAILABLE,
  PUBLISHED,
  DEPRECATED,
  DELETED,
  REJECTED;

  private static final Map<VersionState, Set<VersionState>> ALLOWED =
      Map.of(
          UPLOADING, EnumSet.of(VERIFYING, REJECTED),
          VERIFYING, EnumSet.of(AVAILABLE, REJECTED),
          AVAILABLE, EnumSet.of(PUBLISHED, DELETED),
          PUBLISHED, EnumSet.of(DEPRECATED),
          DEPRECATED, EnumSet.of(PUBLISHED, DELETED),
          DELETED, EnumSet.noneOf(VersionState.class),
          REJECTED, EnumSet.of(DELETED));

  public boolean canBecome(VersionState next) {
    return ALLOWED.get(this).contains(next);
  }

  /** Whether pools and agents may use the bits. */
  public boolean isUsable() {
    return this == AVAILABLE || this == PUBLISHED || this == DEPRECATED;
  }
}
