package io.veneer.images.api;

import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.Image;
import io.veneer.images.catalogue.ImageVersion;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the REST API reads and writes. */
final class ImageViews {

  private ImageViews() {}

  record CreateImage(String name, String description, String os, HardwareProfile hardware) {}

  record ImageView(
      UUID id,
      String name,
      String description,
      String os,
      HardwareProfile hardware,
      Instant createdAt) {
    static ImageView of(Image image) {
      return new ImageView(
          image.id(),
          image.name(),
          image.description(),
          image.os(),
          image.hardware(),
          image.createdAt());
    }
  }

  record VersionView(
      UUID id,
      UUID imageId,
      int number,
      String kind,
      Boolean carriesKernel,
      String state,
      String rejectionReason,
      String digest,
      Long sizeBytes,
      Long virtualSizeBytes,
      String sourceFormat,
      String sourceDigest,
      long bytesReceived,
      Instant createdAt,
      Instant publishedAt,
      String blobUrl,
      BootFileView kernel,
      BootFileView initrd) {
    static VersionView of(ImageVersion v) {
      return new VersionView(
          v.id(),
          v.image().id(),
          v.number(),
          v.kind().word(),
          v.carriesKernel(),
          v.state().name(),
          v.rejectionReason(),
          v.digest(),
          v.sizeBytes(),
          v.virtualSizeBytes(),
          v.sourceFormat(),
          v.sourceDigest(),
          v.bytesReceived(),
          v.createdAt(),
          v.publishedAt(),
          v.digest() == null || !v.state().isUsable() ? null : "/api/v1/blobs/" + v.digest(),
          BootFileView.of(v, v.kernelDigest(), v.kernelSizeBytes()),
          BootFileView.of(v, v.initrdDigest(), v.initrdSizeBytes()));
    }
  }

  /** A kernel or initrd of a version; null when it has none. */
  record BootFileView(String digest, long sizeBytes, String blobUrl) {
    static BootFileView of(ImageVersion v, String digest, Long sizeBytes) {
      return digest == null
          ? null
          : new BootFileView(
              digest, sizeBytes, v.state().isUsable() ? "/api/v1/blobs/" + digest : null);
    }
  }

  record Page<T>(List<T> items, String nextPageToken) {}
}
