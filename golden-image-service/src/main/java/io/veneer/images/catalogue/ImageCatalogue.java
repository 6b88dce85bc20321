package io.veneer.images.catalogue;

import io.veneer.images.events.ImageEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application layer of the catalogue: every change of an image or version goes through here, in
 * one transaction with its event. REST (and gRPC) only translate.
 */
@Service
public class ImageCatalogue {

  private final ImageRepository images;
  private final ImageVersionRepository versions;
  private final ImageEvents events;
  private final Clock clock;

  public ImageCatalogue(
      ImageRepository images, ImageVersionRepository versions, ImageEvents events, Clock clock) {
    this.images = images;
    this.versions = versions;
    this.events = events;
    this.clock = clock;
  }

  @Transactional
  public Image createImage(String name, String description, String os, HardwareProfile hardware) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "An image name is 1 to 63 letters, digits, dots, dashes or underscores, starting with a"
              + " letter or digit");
    }
    if (images.findByName(name).isPresent()) {
      throw new ConflictException("An image named '" + name + "' already exists");
    }
    Image image =
        images.save(
            new Image(
                UUID.randomUUID(),
                name,
                hardware == null ? HardwareProfile.DEFAULT : hardware,
                description == null ? "" : description,
                os == null ? "" : os,
                clock.instant()));
    events.imageCreated(image);
    return image;
  }

  @Transactional(readOnly = true)
  public Image image(UUID id) {
    return images.findById(id).orElseThrow(() -> new NotFoundException("No image " + id));
  }

  /** Images by name after the cursor (a name; empty for the first page). */
  @Transactional(readOnly = true)
  public List<Image> images(String afterName, int limit) {
    return images.findByNameGreaterThanOrderByNameAsc(afterName, Limit.of(limit));
  }

  @Transactional(readOnly = true)
  public List<ImageVersion> versions(UUID imageId) {
    image(imageId);
    return versions.findByImageIdOrderByNumberDesc(imageId);
  }

  @Transactional(readOnly = true)
  public ImageVersion version(UUID imageId, UUID versionId) {
    ImageVersion version =
        versions
            .findById(versionId)
            .orElseThrow(() -> new NotFoundException("No version " + versionId));
    if (!version.image().id().equals(imageId)) {
      throw new NotFoundException("Image " + imageId + " has no version " + versionId);
    }
    return version;
  }

  @Transactional(readOnly = true)
  public ImageVersion versionById(UUID versionId) {
    ImageVersion version = find(versionId);
    version.image().name();
    return version;
  }

  /** A new version in UPLOADING, numbered after the image's highest. */
  @Transactional
  public ImageVersion newVersion(UUID imageId, VersionKind kind) {
    Image image = image(imageId);
    ImageVersion version =
        versions.save(
            new ImageVersion(
                UUID.randomUUID(),
                image,
                versions.highestNumber(imageId) + 1,
                kind,
                clock.instant()));
    events.versionChanged(version, null);
    return version;
  }

  @Transactional
  public void recordProgress(UUID versionId, long bytesReceived) {
    find(versionId).received(bytesReceived);
  }

  @Transactional
  public ImageVersion startVerifying(UUID versionId, long bytesReceived) {
    ImageVersion version = find(versionId);
    version.received(bytesReceived);
    events.versionChanged(version, version.moveTo(VersionState.VERIFYING));
    return version;
  }

  @Transactional
  public ImageVersion accept(
      UUID versionId,
      String digest,
      long size,
      long virtualSize,
      String format,
      String sourceDigest) {
    ImageVersion version = find(versionId);
    version.verified(digest, size, virtualSize, format, sourceDigest);
    events.versionChanged(version, version.moveTo(VersionState.AVAILABLE));
    return version;
  }

  /**
   * Accepts a root-filesystem version, stored as it arrived (its source digest is its digest),
   * recording whether its tree carries its own kernel and initrd.
   */
  @Transactional
  public ImageVersion acceptRootfs(
      UUID versionId,
      String digest,
      long size,
      long unpackedSize,
      String format,
      boolean carriesKernel) {
    find(versionId).rootTreeCarriesKernel(carriesKernel);
    return accept(versionId, digest, size, unpackedSize, format, digest);
  }

  @Transactional
  public ImageVersion reject(UUID versionId, String reason) {
    ImageVersion version = find(versionId);
    events.versionChanged(version, version.reject(reason));
    return version;
  }

  @Transactional
  public ImageVersion publish(UUID imageId, UUID versionId) {
    ImageVersion version = version(imageId, versionId);
    VersionState from = version.moveTo(VersionState.PUBLISHED);
    version.published(clock.instant());
    events.versionChanged(version, from);
    return version;
  }

  @Transactional
  public ImageVersion deprecate(UUID imageId, UUID versionId) {
    ImageVersion version = version(imageId, versionId);
    events.versionChanged(version, version.moveTo(VersionState.DEPRECATED));
    return version;
  }

  @Transactional
  public ImageVersion delete(UUID imageId, UUID versionId) {
    ImageVersion version = version(imageId, versionId);
    events.versionChanged(version, version.moveTo(VersionState.DELETED));
    return version;
  }

  /** Ids of the versions still receiving bytes. */
  @Transactional(readOnly = true)
  public List<UUID> uploading() {
    return versions.findByStateIn(EnumSet.of(VersionState.UPLOADING)).stream()
        .map(ImageVersion::id)
        .toList();
  }

  /** Versions a crash or restart interrupted mid-upload are rejected; they never become usable. */
  @Transactional
  public int rejectInterrupted() {
    List<ImageVersion> stuck =
        versions.findByStateIn(EnumSet.of(VersionState.UPLOADING, VersionState.VERIFYING));
    for (ImageVersion version : stuck) {
      events.versionChanged(
          version,
          version.reject(
              "the upload was interrupted by a restart of the golden image service; upload the"
                  + " image again"));
    }
    return stuck.size();
  }

  /** Sets a version's kernel or initrd, stored already as the blob {@code digest}. */
  @Transactional
  public ImageVersion bootFile(
      UUID imageId, UUID versionId, BootFileKind kind, String digest, long size) {
    ImageVersion version = version(imageId, versionId);
    version.bootFile(kind, digest, size);
    return version;
  }

  /** Digests some version still needs: disks, kernels and initrds. */
  @Transactional(readOnly = true)
  public List<String> referencedDigests() {
    List<String> digests = new ArrayList<>(versions.referencedDigests());
    digests.addAll(versions.referencedKernelDigests());
    digests.addAll(versions.referencedInitrdDigests());
    return digests;
  }

  @Transactional(readOnly = true)
  public boolean isServable(String digest) {
    EnumSet<VersionState> usable =
        EnumSet.of(VersionState.AVAILABLE, VersionState.PUBLISHED, VersionState.DEPRECATED);
    return versions.existsByDigestAndStateIn(digest, usable)
        || versions.existsByBootFileDigestAndStateIn(digest, usable);
  }

  private ImageVersion find(UUID versionId) {
    return versions
        .findById(versionId)
        .orElseThrow(() -> new NotFoundException("No version " + versionId));
  }
}
