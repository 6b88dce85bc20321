package io.veneer.images.upload;

import java.util.UUID;

/**
 * A piece of a resumable upload was sent for an offset other than where the upload stands (a piece
 * lost or sent twice); answered with 409 and the offset to resume from.
 */
public class UploadOffsetMismatchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient UUID versionId;
  private final long bytesReceived;

  public UploadOffsetMismatchException(UUID versionId, long offset, long bytesReceived) {
    super(
        "The upload of version "
            + versionId
            + " stands at "
            + bytesReceived
            + " bytes, not "
            + offset
            + ": send the rest from offset "
            + bytesReceived);
    this.versionId = versionId;
    this.bytesReceived = bytesReceived;
  }

  public UUID versionId() {
    return versionId;
  }

  public long bytesReceived() {
    return bytesReceived;
  }
}
