package io.veneer.controlplane.userdata;

import java.util.UUID;

/**
 * A user's disk is still open in the guest of the desktop they had before (its agent has not yet
 * stopped and rebuilt it since their logoff): attaching it to a second guest could corrupt it.
 */
public class UserDataDiskBusyException extends RuntimeException {

  /** How long a client should wait before asking again: a guest's stop and rebuild. */
  public static final int RETRY_AFTER_SECONDS = 10;

  private final UUID diskId;

  public UserDataDiskBusyException(UUID diskId, UUID desktopId) {
    super(
        "Your user-data disk is still attached to your previous desktop "
            + desktopId
            + ", which is being shut down and reset; ask again in a few seconds.");
    this.diskId = diskId;
  }

  public UUID diskId() {
    return diskId;
  }
}
