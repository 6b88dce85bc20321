package io.veneer.rootfs;

/** The outcome of unpacking one archive: all of it, or nothing and the reason. */
public sealed interface UnpackResult {

  /** Every entry is in the target with its final mode and time. */
  record Unpacked(UnpackSummary summary) implements UnpackResult {}

  /** The archive broke a rule; the target holds nothing of it. */
  record Refused(Refusal refusal) implements UnpackResult {}
}
