package io.veneer.images.export;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import io.veneer.images.ova.OvaExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** A usable version converted to another hypervisor's format, for REST and gRPC alike. */
@Service
public class VersionExporter {

  /**
   * The converted file (a temporary one: whoever streams it deletes it), its name and its format's
   * usual extension.
   */
  public record Export(Path file, String fileName, String format) {}

  private static final String OVA = "ova";

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final QemuImg qemuImg;
  private final OvaExporter ova;

  public VersionExporter(
      ImageCatalogue catalogue, BlobStore blobs, QemuImg qemuImg, OvaExporter ova) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.qemuImg = qemuImg;
    this.ova = ova;
  }

  /**
   * Converts a version.
   *
   * @param format a disk format (vhd, vhdx, vmdk, vdi, hds, raw, qcow2), or {@code ova} for the
   *     version as an OVF package ({@link OvaExporter})
   * @throws IllegalArgumentException when the format is not one a version exports to
   * @throws NotFoundException when the version has no bits to export
   */
  public Export export(UUID imageId, UUID versionId, String format) throws IOException {
    boolean asOva = OVA.equalsIgnoreCase(format);
    DiskFormat target = asOva ? null : DiskFormat.exportFormat(format);
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
    if (asOva) {
      String name = version.image().name() + "-v" + version.number() + "." + OVA;
      return new Export(ova.export(version, blob), name, OVA);
    }
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
    return new Export(exported, name, target.extension());
  }
}
