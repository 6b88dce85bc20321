package io.veneer.images.rootfs;

import io.veneer.images.upload.ImageRejectedException;
import io.veneer.rootfs.Refusal;
import java.util.UUID;

/**
 * An uploaded root-filesystem archive broke a rule of rootfs-archive: the version is REJECTED with
 * the sentence, nothing of the archive is kept, and the client gets a 400 naming the entry.
 */
public class RootfsRefusedException extends ImageRejectedException {

  private static final long serialVersionUID = 1L;

  private final transient Refusal refusal;

  public RootfsRefusedException(UUID versionId, Refusal refusal) {
    super(versionId, "the root filesystem is refused: " + refusal.sentence());
    this.refusal = refusal;
  }

  public Refusal refusal() {
    return refusal;
  }
}
