package io.veneer.portal.backend;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The golden image service's REST shapes, as far as the portal reads them. */
public final class GoldenImageViews {

  private GoldenImageViews() {}

  public record Hardware(
      String machine,
      String firmware,
      int vcpus,
      long memoryMib,
      String bootMode,
      String kernelCmdline,
      boolean display) {}

  public record Image(
      UUID id, String name, String description, String os, Hardware hardware, Instant createdAt) {}

  public record CreateImage(String name, String description, String os, Hardware hardware) {}

  public record Version(
      UUID id,
      UUID imageId,
      int number,
      String state,
      String rejectionReason,
      String digest,
      Long sizeBytes,
      Long virtualSizeBytes,
      String sourceFormat,
      long bytesReceived,
      Instant createdAt,
      Instant publishedAt) {}

  public record Page<T>(List<T> items, String nextPageToken) {}
}
