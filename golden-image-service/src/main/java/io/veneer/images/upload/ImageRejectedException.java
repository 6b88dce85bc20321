package io.veneer.images.upload;

import java.util.UUID;

/** An upload ended in a REJECTED version; answered with 422 and the reason. */
public class ImageRejectedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final UUID versionId;

  public ImageRejectedException(UUID versionId, String reason) {
    super(reason);
    this.versionId = versionId;
  }

  public UUID versionId() {
    return versionId;
  }
}
