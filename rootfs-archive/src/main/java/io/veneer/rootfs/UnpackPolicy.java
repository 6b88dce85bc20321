package io.veneer.rootfs;

import java.util.Set;

/**
 * What an archive may contain beyond plain files, directories and links.
 *
 * @param limits sizes and counts
 * @param allowSetuid whether regular files may carry the setuid or setgid bit
 * @param allowedDevices device nodes accepted (and skipped, see {@link UnpackSummary}); any other
 *     is refused
 */
public record UnpackPolicy(
    UnpackLimits limits, boolean allowSetuid, Set<DeviceNode> allowedDevices) {

  /** Default limits, no setuid, the standard device nodes. */
  public static final UnpackPolicy STRICT =
      new UnpackPolicy(UnpackLimits.DEFAULTS, false, DeviceNode.STANDARD);

  public UnpackPolicy {
    if (limits == null) {
      throw new IllegalArgumentException("an unpack policy needs limits");
    }
    allowedDevices = Set.copyOf(allowedDevices);
  }

  public UnpackPolicy withLimits(UnpackLimits newLimits) {
    return new UnpackPolicy(newLimits, allowSetuid, allowedDevices);
  }

  public UnpackPolicy withSetuid(boolean allowed) {
    return new UnpackPolicy(limits, allowed, allowedDevices);
  }
}
