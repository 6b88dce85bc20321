package io.veneer.images.catalogue;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/**
 * One version of an image: its bits as an immutable blob once verified, a qcow2 disk or a
 * root-filesystem archive by its {@link VersionKind}.
 */
@Entity
public class ImageVersion {

  @Id private UUID id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "image_id")
  private Image image;

  private int number;

  @Enumerated(EnumType.STRING)
  private VersionKind kind;

  @Enumerated(EnumType.STRING)
  private VersionState state;

  private String rejectionReason;
  private String digest;
  private Long sizeBytes;
  private Long virtualSizeBytes;
  private String sourceFormat;
  private String sourceDigest;
  private long bytesReceived;
  private Instant createdAt;
  private Instant publishedAt;
  private String kernelDigest;
  private Long kernelSizeBytes;
  private String initrdDigest;
  private Long initrdSizeBytes;
  // Root-filesystem versions: whether the tree carries its own kernel and initrd (null for disks).
  private Boolean carriesKernel;

  @Version private long rowVersion;

  protected ImageVersion() {}

  public ImageVersion(UUID id, Image image, int number, VersionKind kind, Instant createdAt) {
    this.id = id;
    this.image = image;
    this.number = number;
    this.kind = kind;
    this.state = VersionState.UPLOADING;
    this.createdAt = createdAt;
  }

  /**
   * Moves the version along its lifecycle.
   *
   * @return the state it left
   * @throws IllegalTransitionException when the lifecycle forbids the move
   */
  public VersionState moveTo(VersionState next) {
    if (!state.canBecome(next)) {
      throw new IllegalTransitionException(id, state, next);
    }
    VersionState previous = state;
    state = next;
    return previous;
  }

  public VersionState reject(String reason) {
    VersionState previous = moveTo(VersionState.REJECTED);
    rejectionReason = reason;
    return previous;
  }

  public void received(long bytes) {
    bytesReceived = bytes;
  }

  public void verified(
      String blobDigest, long blobSize, long virtualSize, String format, String uploadDigest) {
    if (state != VersionState.VERIFYING || digest != null) {
      // A version's bits are set once, by its verification; never on a published version.
      throw new IllegalStateException("Version " + id + " is " + state + ": its bits are fixed");
    }
    digest = blobDigest;
    sizeBytes = blobSize;
    virtualSizeBytes = virtualSize;
    sourceFormat = format;
    sourceDigest = uploadDigest;
  }

  /** Records, while it is verified, whether a root-filesystem version's tree boots itself. */
  public void rootTreeCarriesKernel(boolean carries) {
    if (kind != VersionKind.ROOTFS || state != VersionState.VERIFYING) {
      throw new IllegalStateException(
          "Version " + id + " is a " + kind + " in " + state + ": it has no tree to judge");
    }
    carriesKernel = carries;
  }

  /**
   * Whether a root-filesystem version's tree carries the kernel and initrd a shared-root virtual
   * machine boots; null for a disk, and for versions stored before this was recorded.
   */
  public Boolean carriesKernel() {
    return carriesKernel;
  }

  /**
   * Sets (or replaces) the kernel or initrd this version boots with directly.
   *
   * @throws IllegalTransitionException see {@link #requireBootFilesOpen}
   */
  public void bootFile(BootFileKind kind, String blobDigest, long blobSize) {
    requireBootFilesOpen(kind);
    switch (kind) {
      case KERNEL -> {
        kernelDigest = blobDigest;
        kernelSizeBytes = blobSize;
      }
      case INITRD -> {
        initrdDigest = blobDigest;
        initrdSizeBytes = blobSize;
      }
    }
  }

  /**
   * @throws IllegalTransitionException once the version is published (its bits are fixed) or was
   *     rejected or deleted
   */
  public void requireBootFilesOpen(BootFileKind kind) {
    if (state != VersionState.UPLOADING
        && state != VersionState.VERIFYING
        && state != VersionState.AVAILABLE) {
      throw new IllegalTransitionException(
          "Version "
              + id
              + " is "
              + state
              + ": a "
              + kind.word()
              + " can be added only before the version is published",
          state);
    }
  }

  public void published(Instant at) {
    if (publishedAt == null) {
      publishedAt = at;
    }
  }

  public UUID id() {
    return id;
  }

  public Image image() {
    return image;
  }

  public int number() {
    return number;
  }

  public VersionKind kind() {
    return kind;
  }

  public VersionState state() {
    return state;
  }

  public String rejectionReason() {
    return rejectionReason;
  }

  public String digest() {
    return digest;
  }

  public Long sizeBytes() {
    return sizeBytes;
  }

  public Long virtualSizeBytes() {
    return virtualSizeBytes;
  }

  public String sourceFormat() {
    return sourceFormat;
  }

  public String sourceDigest() {
    return sourceDigest;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Instant publishedAt() {
    return publishedAt;
  }

  public String kernelDigest() {
    return kernelDigest;
  }

  public Long kernelSizeBytes() {
    return kernelSizeBytes;
  }

  public String initrdDigest() {
    return initrdDigest;
  }

  public Long initrdSizeBytes() {
    return initrdSizeBytes;
  }

  public long rowVersion() {
    return rowVersion;
  }
}
