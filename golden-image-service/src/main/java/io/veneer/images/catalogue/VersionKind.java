package io.veneer.images.catalogue;

import java.util.Locale;

/** What a version's bits are: a disk image or a root-filesystem archive. */
public enum VersionKind {
  /** A qcow2 disk, converted from whatever format was uploaded. */
  DISK,
  /** A tar of a root filesystem, stored as uploaded once rootfs-archive accepts it. */
  ROOTFS;

  /** As it appears in the REST API ({@code disk}, {@code rootfs}). */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kind a REST client names.
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static VersionKind ofWord(String word) {
    for (VersionKind kind : values()) {
      if (kind.word().equals(word)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("kind must be disk or rootfs, not '" + word + "'");
  }
}
