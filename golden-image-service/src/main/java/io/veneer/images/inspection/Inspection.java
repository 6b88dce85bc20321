package io.veneer.images.inspection;

/** The verdict on an uploaded image. */
public sealed interface Inspection {

  /** Safe to convert: the detected format and the virtual disk size. */
  record Accepted(DiskFormat format, long virtualSize) implements Inspection {}

  /** Unsafe or unreadable, with a reason a person can act on. */
  record Rejected(String reason) implements Inspection {}
}
