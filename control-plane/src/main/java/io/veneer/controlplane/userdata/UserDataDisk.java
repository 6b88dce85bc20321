package io.veneer.controlplane.userdata;

import java.util.Optional;
import java.util.UUID;

/**
 * One user's persistent user-data disk in one pool (V46).
 *
 * @param hostId where it lives: the host of the first desktop it was attached to; empty until that
 *     desktop is placed
 * @param desktopId the desktop it was last attached to; empty when none was yet
 */
public record UserDataDisk(
    UUID id,
    UUID poolId,
    String owner,
    long sizeGib,
    Optional<String> hostId,
    Optional<UUID> desktopId) {

  /**
   * Whether a desktop on {@code host} can have it: the disk's own host, or any while it has none.
   */
  public boolean reachableFrom(String host) {
    return hostId.map(host::equals).orElse(true);
  }
}
