package io.veneer.images.export;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** A usable version converted to another hypervisor's format, for REST and gRPC alike. */
@Service
public class VersionExporter {

  /** The converted file (a temporary one: whoever streams it deletes it) and its name. */
  public record Export(Path file, String fileName, DiskFormat format) {}

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final QemuImg qemuImg;

  public VersionExporter(ImageCatalogue catalogue, BlobStore blobs, QemuImg qemuImg) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.qemuImg = qemuImg;
  }

  /**
   * Converts a version.
   *
   * @throws IllegalArgumentException when the format is not one a version exports to
   * @throws NotFoundException when the version has no bits to export
   */
  public Export export(UUID imageId, UUID versionId, String format) throws IOException {
    DiskFormat target = DiskFormat.exportFormat(format);
    ImageVersion version = catalogue.version(imageId, versionId);
    if (!version.state().isUsable()) {
      throw new NotFoundException(
          "Version " + versionId + " is " + version.state() + " and has no bits to export");
    }
    Path blob =
        blobs
            .find(Digest.parse(version.digest()))
            .orElseThrow(
                () -> new NotFoundException("The blob of version " + versionId + " is missing"));
    Path exported = blobs.newTempFile("export-" + versionId);
    try {
      QemuImg.Result result = qemuImg.convert(blob, DiskFormat.QCOW2, exported, target);
      if (!result.succeeded()) {
        throw new IllegalStateException("Export to " + format + " failed: " + result.problem());
      }
    } catch (QemuImgTimeoutException e) {
      Files.deleteIfExists(exported);
      throw new IllegalStateException("Export to " + format + " took too long", e);
    } catch (RuntimeException e) {
      Files.deleteIfExists(exported);
      throw e;
    }
    String name = version.image().name() + "-v" + version.number() + "." + target.extension();
    return new Export(exported, name, target);
  }
}
