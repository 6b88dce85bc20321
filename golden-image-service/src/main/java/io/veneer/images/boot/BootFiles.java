package io.veneer.images.boot;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.BootFileKind;
import io.veneer.images.catalogue.IllegalTransitionException;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
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
 * Adds a kernel or an initrd to a version that is not yet published: streamed to a temp file while
 * hashed and counted (never held in memory), checked by its headers, stored as a blob by digest and
 * named on the version. A refused file changes nothing.
 */
@Service
public class BootFiles {

  private static final Logger log = LoggerFactory.getLogger(BootFiles.class);
  private static final int BUFFER = 1 << 20;

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final BootFilesProperties properties;

  public BootFiles(ImageCatalogue catalogue, BlobStore blobs, BootFilesProperties properties) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.properties = properties;
  }

  /**
   * Stores the file and sets it on the version.
   *
   * @throws IllegalArgumentException naming what is wrong with the file
   * @throws IllegalTransitionException when the version is published already (or gone)
   */
  public ImageVersion attach(UUID imageId, UUID versionId, BootFileKind kind, InputStream body)
      throws IOException {
    // Checked again when the file is set; this spares receiving one that cannot be kept.
    catalogue.version(imageId, versionId).requireBootFilesOpen(kind);
    long limit =
        (kind == BootFileKind.KERNEL ? properties.maxKernelSize() : properties.maxInitrdSize())
            .toBytes();
    Path temp = blobs.newTempFile(kind.word() + "-" + versionId);
    try {
      MessageDigest sha256 = sha256();
      long size = 0;
      try (OutputStream out = Files.newOutputStream(temp)) {
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = body.read(buffer)) > 0; ) {
          size += n;
          if (size > limit) {
            throw new IllegalArgumentException(
                "the "
                    + kind.word()
                    + " is larger than veneer.images.boot-files.max-"
                    + kind.word()
                    + "-size ("
                    + limit
                    + " bytes)");
          }
          sha256.update(buffer, 0, n);
          out.write(buffer, 0, n);
        }
      }
      if (size == 0) {
        throw new IllegalArgumentException("the " + kind.word() + " is empty");
      }
      String format =
          kind == BootFileKind.KERNEL ? BootFileFormat.kernel(temp) : BootFileFormat.initrd(temp);
      Digest digest = blobs.put(temp, Digest.ofBytes(sha256.digest()));
      ImageVersion version = catalogue.bootFile(imageId, versionId, kind, digest.toString(), size);
      log.info(
          "event=boot-file-added version={} kind={} format={} digest={} bytes={}",
          versionId,
          kind.word(),
          format,
          digest,
          size);
      return version;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
