package io.veneer.images.ova;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.ImageInspector;
import io.veneer.images.inspection.Inspection;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Packs a dedicated desktop's disk as an OVA: its own writes (the overlay its agent sent, with the
 * backing reference cleared so that it is a plain qcow2) flattened onto the golden version it was
 * cloned from, with the hardware its pool gives it. Only the writes travel; the golden version is
 * already here. See docs/desktop-portability.md.
 */
@Service
public class DesktopOvaExporter {

  private static final Logger log = LoggerFactory.getLogger(DesktopOvaExporter.class);
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

  /**
   * A desktop's disk as it leaves its host.
   *
   * @param name the desktop's name, the OVA's virtual system (a plain file name)
   * @param goldenImageId the image of the version the desktop was cloned from
   * @param goldenVersionId that version
   * @param hardware the desktop's hardware: its pool's size over its image's profile
   * @param writes the desktop's overlay, its backing reference cleared
   */
  public record DesktopDisk(
      String name,
      UUID goldenImageId,
      UUID goldenVersionId,
      HardwareProfile hardware,
      Path writes) {}

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final ImageInspector inspector;
  private final QemuImg qemuImg;
  private final OvaExporter ova;

  public DesktopOvaExporter(
      ImageCatalogue catalogue,
      BlobStore blobs,
      ImageInspector inspector,
      QemuImg qemuImg,
      OvaExporter ova) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.inspector = inspector;
    this.qemuImg = qemuImg;
    this.ova = ova;
  }

  /**
   * Writes the desktop's OVA to a temp file (whoever streams it deletes it).
   *
   * @throws IllegalArgumentException when the writes are unsafe, not a qcow2 overlay of the golden
   *     version's size or more, or the name is not a plain file name
   * @throws NotFoundException when the golden version has no bits
   */
  public Path export(DesktopDisk desktop) throws IOException {
    if (!desktop.name().matches(NAME)) {
      throw new IllegalArgumentException(
          "'" + desktop.name() + "' is not a desktop name an OVA's files can carry");
    }
    ImageVersion golden = catalogue.version(desktop.goldenImageId(), desktop.goldenVersionId());
    if (!golden.state().isUsable()) {
      throw new NotFoundException(
          "Version " + golden.id() + " is " + golden.state() + " and has no bits to flatten onto");
    }
    Path goldenBlob =
        blobs
            .find(Digest.parse(golden.digest()))
            .orElseThrow(
                () -> new NotFoundException("The blob of version " + golden.id() + " is missing"));
    long virtualSize = checkedWrites(desktop.writes(), golden);
    // A private copy takes the backing reference; the caller's file stays as it was sent.
    Path overlay = blobs.newTempFile("desktop-overlay-" + desktop.name());
    try {
      Files.copy(desktop.writes(), overlay, StandardCopyOption.REPLACE_EXISTING);
      attach(overlay, goldenBlob);
      Path packed =
          ova.pack(
              new OvaExporter.Contents(
                  desktop.name(),
                  "Desktop " + desktop.name() + " of " + golden.image().name(),
                  golden.image().os(),
                  desktop.hardware(),
                  overlay,
                  virtualSize));
      log.info(
          "event=desktop-ova-exported desktop={} image={} version={}",
          desktop.name(),
          golden.image().id(),
          golden.id());
      return packed;
    } finally {
      Files.deleteIfExists(overlay);
    }
  }

  /** The writes' virtual size, once the usual inspection has found them a safe qcow2. */
  private long checkedWrites(Path writes, ImageVersion golden) throws IOException {
    Inspection inspection = inspector.inspect(writes);
    if (inspection instanceof Inspection.Rejected rejected) {
      throw new IllegalArgumentException("The desktop's writes were refused: " + rejected.reason());
    }
    Inspection.Accepted accepted = (Inspection.Accepted) inspection;
    if (accepted.format() != DiskFormat.QCOW2) {
      throw new IllegalArgumentException(
          "The desktop's writes are " + accepted.format() + ", not a qcow2 overlay");
    }
    if (accepted.virtualSize() < golden.virtualSizeBytes()) {
      throw new IllegalArgumentException(
          "The desktop's writes cover "
              + accepted.virtualSize()
              + " bytes, less than the golden version's "
              + golden.virtualSizeBytes());
    }
    return accepted.virtualSize();
  }

  private void attach(Path overlay, Path goldenBlob) throws IOException {
    QemuImg.Result result;
    try {
      result = qemuImg.attachBacking(overlay, goldenBlob);
    } catch (QemuImgTimeoutException e) {
      throw new IllegalStateException("Attaching the golden version took too long", e);
    }
    if (!result.succeeded()) {
      throw new IllegalStateException("Attaching the golden version failed: " + result.problem());
    }
  }
}
