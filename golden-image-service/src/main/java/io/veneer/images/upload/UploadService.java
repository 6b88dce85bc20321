package io.veneer.images.upload;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.ImageInspector;
import io.veneer.images.inspection.Inspection;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Turns a stream of bytes into a usable version: stream to a temp file while hashing (never held in
 * memory), check the expected digest, inspect, convert to qcow2, store by digest. Every step's
 * outcome is recorded on the version, so progress shows and a failure leaves a REJECTED version
 * with its reason, never a half-usable one.
 */
@Service
public class UploadService {

  private static final Logger log = LoggerFactory.getLogger(UploadService.class);
  private static final long PROGRESS_EVERY_BYTES = 32L << 20;
  private static final int BUFFER = 1 << 20;

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final ImageInspector inspector;
  private final QemuImg qemuImg;

  public UploadService(
      ImageCatalogue catalogue, BlobStore blobs, ImageInspector inspector, QemuImg qemuImg) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.inspector = inspector;
    this.qemuImg = qemuImg;
  }

  /**
   * Uploads a new version of an image.
   *
   * @param expectedDigest {@code sha256:<hex>} the bytes must have, or null
   * @throws ImageRejectedException when the bytes are not a safe, complete image
   */
  public ImageVersion upload(UUID imageId, InputStream body, String expectedDigest)
      throws IOException {
    Digest expected =
        expectedDigest == null || expectedDigest.isBlank() ? null : Digest.parse(expectedDigest);
    ImageVersion version = catalogue.newVersion(imageId);
    UUID id = version.id();
    Path upload = blobs.newTempFile("upload-" + id);
    Path converted = null;
    try {
      long received;
      Digest sourceDigest;
      try {
        MessageDigest sha256 = sha256();
        received = copy(body, upload, sha256, id);
        sourceDigest = Digest.ofBytes(sha256.digest());
      } catch (IOException e) {
        throw rejected(
            id, "the upload was interrupted (" + e.getMessage() + "); upload the image again");
      }
      if (expected != null && !expected.equals(sourceDigest)) {
        throw rejected(
            id,
            "the uploaded bytes have digest "
                + sourceDigest
                + " but "
                + expected
                + " was expected: the upload is corrupt or incomplete");
      }
      catalogue.startVerifying(id, received);
      Inspection.Accepted accepted =
          switch (inspector.inspect(upload)) {
            case Inspection.Rejected rejected -> throw rejected(id, rejected.reason());
            case Inspection.Accepted ok -> ok;
          };
      converted = blobs.newTempFile("qcow2-" + id);
      QemuImg.Result conversion;
      try {
        conversion = qemuImg.convert(upload, accepted.format(), converted, DiskFormat.QCOW2);
      } catch (QemuImgTimeoutException e) {
        throw rejected(id, "converting the image to qcow2 took too long (" + e.getMessage() + ")");
      }
      if (!conversion.succeeded()) {
        throw rejected(id, "the image could not be converted to qcow2: " + conversion.problem());
      }
      Digest blob = Digest.ofBytes(hash(converted));
      long size = Files.size(converted);
      blobs.put(converted, blob);
      converted = null;
      log.info(
          "event=version-verified version={} format={} source={} blob={} bytes={}",
          id,
          accepted.format().qemuName(),
          sourceDigest,
          blob,
          size);
      return catalogue.accept(
          id,
          blob.toString(),
          size,
          accepted.virtualSize(),
          accepted.format().qemuName(),
          sourceDigest.toString());
    } finally {
      Files.deleteIfExists(upload);
      if (converted != null) {
        Files.deleteIfExists(converted);
      }
    }
  }

  private ImageRejectedException rejected(UUID version, String reason) {
    log.info("event=version-rejected version={} reason=\"{}\"", version, reason);
    catalogue.reject(version, reason);
    return new ImageRejectedException(version, reason);
  }

  private long copy(InputStream body, Path target, MessageDigest sha256, UUID version)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    long nextProgress = PROGRESS_EVERY_BYTES;
    try (OutputStream out = Files.newOutputStream(target)) {
      int read;
      while ((read = body.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        sha256.update(buffer, 0, read);
        total += read;
        if (total >= nextProgress) {
          catalogue.recordProgress(version, total);
          nextProgress += PROGRESS_EVERY_BYTES;
        }
      }
    }
    return total;
  }

  /** The sha256 of a file, streamed. */
  public static byte[] hash(Path file) throws IOException {
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        sha256.update(buffer, 0, read);
      }
    }
    return sha256.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
