package io.veneer.images.upload;

import io.veneer.images.ImagesProperties;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ConflictException;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.VersionKind;
import io.veneer.images.catalogue.VersionState;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.ImageInspector;
import io.veneer.images.inspection.Inspection;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import io.veneer.images.rootfs.RootfsCheck;
import io.veneer.images.rootfs.RootfsRefusedException;
import io.veneer.rootfs.UnpackResult;
import io.veneer.rootfs.UnpackSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

  /** The source format of a root-filesystem version: a tar, plain or gzip-compressed. */
  public static final String ROOTFS_FORMAT = "rootfs-tar";

  /** A resumable upload that receives nothing for this long is rejected. */
  public static final Duration ABANDONED_AFTER = Duration.ofHours(24);

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final ImageInspector inspector;
  private final QemuImg qemuImg;
  private final RootfsCheck rootfsCheck;
  private final long maxUploadBytes;
  private final Set<UUID> busy = ConcurrentHashMap.newKeySet();

  public UploadService(
      ImageCatalogue catalogue,
      BlobStore blobs,
      ImageInspector inspector,
      QemuImg qemuImg,
      RootfsCheck rootfsCheck,
      ImagesProperties properties) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.inspector = inspector;
    this.qemuImg = qemuImg;
    this.rootfsCheck = rootfsCheck;
    this.maxUploadBytes = properties.maxUploadSize().toBytes();
  }

  /** More bytes arrived than {@code veneer.images.max-upload-size} allows. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long limit) {
      super(
          "the upload is larger than veneer.images.max-upload-size ("
              + limit
              + " bytes); nothing beyond it was kept");
    }
  }

  long maxUploadBytes() {
    return maxUploadBytes;
  }

  /**
   * Uploads a new version of an image.
   *
   * @param expectedDigest {@code sha256:<hex>} the bytes must have, or null
   * @throws ImageRejectedException when the bytes are not a safe, complete image
   */
  public ImageVersion upload(UUID imageId, InputStream body, String expectedDigest)
      throws IOException {
    return upload(imageId, VersionKind.DISK, body, expectedDigest);
  }

  /**
   * Uploads a new version of the given kind.
   *
   * @throws ImageRejectedException when the bytes are not a safe, complete image of that kind
   */
  public ImageVersion upload(
      UUID imageId, VersionKind kind, InputStream body, String expectedDigest) throws IOException {
    Digest expected =
        expectedDigest == null || expectedDigest.isBlank() ? null : Digest.parse(expectedDigest);
    ImageVersion version = catalogue.newVersion(imageId, kind);
    UUID id = version.id();
    Path upload = blobs.newTempFile("upload-" + id);
    try {
      long received;
      Digest sourceDigest;
      try {
        MessageDigest sha256 = sha256();
        try (OutputStream out = Files.newOutputStream(upload)) {
          received = copy(body, out, sha256, id, 0);
        }
        sourceDigest = Digest.ofBytes(sha256.digest());
      } catch (TooLargeException e) {
        throw rejected(id, e.getMessage());
      } catch (IOException e) {
        throw rejected(
            id, "the upload was interrupted (" + e.getMessage() + "); upload the image again");
      }
      return verify(id, kind, upload, received, sourceDigest, expected);
    } finally {
      Files.deleteIfExists(upload);
    }
  }

  /**
   * Starts an upload that arrives in pieces ({@link #append}, then {@link #complete}), so a client
   * whose connection drops resumes where the service stands instead of starting over. A restart of
   * the service still ends it (REJECTED, like any upload in flight).
   */
  public ImageVersion begin(UUID imageId, VersionKind kind) throws IOException {
    ImageVersion version = catalogue.newVersion(imageId, kind);
    Files.createFile(resumableFile(version.id()));
    return version;
  }

  /**
   * Appends one piece at {@code offset}, which must be where the upload stands. A piece cut off
   * midway keeps the bytes that arrived; the version's {@code bytesReceived} says where to resume.
   */
  public ImageVersion append(UUID imageId, UUID versionId, long offset, InputStream body)
      throws IOException {
    return exclusively(
        imageId,
        versionId,
        file -> {
          long size = Files.size(file);
          if (offset != size) {
            throw new UploadOffsetMismatchException(versionId, offset, size);
          }
          try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            copy(body, out, null, versionId, size);
          } catch (TooLargeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          } finally {
            catalogue.recordProgress(versionId, Files.size(file));
          }
          return catalogue.versionById(versionId);
        });
  }

  /** Ends a resumable upload: checks the expected digest of all its bytes, then verifies them. */
  public ImageVersion complete(UUID imageId, UUID versionId, String expectedDigest)
      throws IOException {
    Digest expected =
        expectedDigest == null || expectedDigest.isBlank() ? null : Digest.parse(expectedDigest);
    return exclusively(
        imageId,
        versionId,
        file -> {
          try {
            return verify(
                versionId,
                catalogue.versionById(versionId).kind(),
                file,
                Files.size(file),
                Digest.ofBytes(hash(file)),
                expected);
          } finally {
            Files.deleteIfExists(file);
          }
        });
  }

  /**
   * Rejects resumable uploads that received nothing for {@link #ABANDONED_AFTER} and removes their
   * bytes; returns how many.
   */
  public int expireAbandoned(Instant now) throws IOException {
    int expired = 0;
    for (UUID versionId : catalogue.uploading()) {
      Path file = resumableFile(versionId);
      if (!Files.exists(file)
          || Files.getLastModifiedTime(file).toInstant().isAfter(now.minus(ABANDONED_AFTER))
          || !busy.add(versionId)) {
        continue;
      }
      try {
        if (catalogue.versionById(versionId).state() == VersionState.UPLOADING) {
          rejected(
              versionId,
              "the resumable upload received nothing for "
                  + ABANDONED_AFTER.toHours()
                  + " hours and was abandoned; upload the image again");
          expired++;
        }
        Files.deleteIfExists(file);
      } finally {
        busy.remove(versionId);
      }
    }
    return expired;
  }

  private interface PieceWork {
    ImageVersion apply(Path file) throws IOException;
  }

  /** Runs work on a resumable upload's file, one request at a time per version. */
  private ImageVersion exclusively(UUID imageId, UUID versionId, PieceWork work)
      throws IOException {
    ImageVersion version = catalogue.version(imageId, versionId);
    Path file = resumableFile(versionId);
    if (version.state() != VersionState.UPLOADING || !Files.exists(file)) {
      throw new ConflictException(
          "Version "
              + versionId
              + " is "
              + version.state()
              + (version.state() == VersionState.UPLOADING
                  ? " but was not begun as a resumable upload"
                  : ", not UPLOADING")
              + ": it takes no more bytes");
    }
    if (!busy.add(versionId)) {
      throw new ConflictException(
          "Another request is already writing version " + versionId + "; wait for it to end");
    }
    try {
      return work.apply(file);
    } finally {
      busy.remove(versionId);
    }
  }

  private Path resumableFile(UUID versionId) {
    return blobs.tempFile("resumable-" + versionId + ".part");
  }

  /** Checks the expected digest, then verifies the bytes as the kind of version they are. */
  private ImageVersion verify(
      UUID id, VersionKind kind, Path upload, long received, Digest sourceDigest, Digest expected)
      throws IOException {
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
    return switch (kind) {
      case DISK -> verifyDisk(id, upload, sourceDigest);
      case ROOTFS -> verifyRootfs(id, upload, sourceDigest);
    };
  }

  /**
   * Checks a root-filesystem archive as agents will unpack it and stores it as it arrived, by its
   * digest; a refused one leaves nothing but the REJECTED version and its reason.
   */
  private ImageVersion verifyRootfs(UUID id, Path upload, Digest sourceDigest) throws IOException {
    RootfsCheck.Outcome outcome = rootfsCheck.check(upload);
    UnpackSummary summary =
        switch (outcome.result()) {
          case UnpackResult.Refused refused -> {
            RootfsRefusedException e = new RootfsRefusedException(id, refused.refusal());
            log.info(
                "event=version-rejected version={} kind=rootfs reason={} entry=\"{}\"",
                id,
                refused.refusal().reason(),
                refused.refusal().sentence());
            catalogue.reject(id, e.getMessage());
            throw e;
          }
          case UnpackResult.Unpacked unpacked -> unpacked.summary();
        };
    long size = Files.size(upload);
    blobs.put(upload, sourceDigest);
    log.info(
        "event=version-verified version={} kind=rootfs blob={} bytes={} entries={} unpacked={}"
            + " carriesKernel={}",
        id,
        sourceDigest,
        size,
        summary.entries(),
        summary.bytes(),
        outcome.carriesKernel());
    return catalogue.acceptRootfs(
        id, sourceDigest.toString(), size, summary.bytes(), ROOTFS_FORMAT, outcome.carriesKernel());
  }

  /** Inspects, converts to qcow2 and stores the blob by its digest. */
  private ImageVersion verifyDisk(UUID id, Path upload, Digest sourceDigest) throws IOException {
    Path converted = null;
    try {
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

  /** Copies the body, hashing when asked; returns where the target stands (from + bytes copied). */
  private long copy(
      InputStream body, OutputStream out, MessageDigest sha256, UUID version, long from)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long total = from;
    long nextProgress = from + PROGRESS_EVERY_BYTES;
    int read;
    while ((read = body.read(buffer)) >= 0) {
      if (total + read > maxUploadBytes) {
        throw new TooLargeException(maxUploadBytes);
      }
      out.write(buffer, 0, read);
      if (sha256 != null) {
        sha256.update(buffer, 0, read);
      }
      total += read;
      if (total >= nextProgress) {
        catalogue.recordProgress(version, total);
        nextProgress += PROGRESS_EVERY_BYTES;
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
