package io.veneer.images.ova;

import io.veneer.images.ImagesProperties;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.catalogue.Image;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.inspection.ImageInspector;
import io.veneer.images.inspection.Inspection;
import io.veneer.images.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Takes an OVA as a new golden image: its hardware from the descriptor ({@link OvfReader}), its
 * disk through the same sandboxed inspection and conversion as any upload. The archive is read as
 * it streams in: the descriptor (which must come first) is read and judged before anything else,
 * only the file it names as the disk is kept (under a name of ours), the manifest's digests are
 * checked, and the disk is inspected before the image is created, so a refused OVA leaves nothing.
 */
@Service
public class OvaImporter {

  private static final Logger log = LoggerFactory.getLogger(OvaImporter.class);
  static final int MAX_MANIFEST_BYTES = 64 << 10;
  private static final String IMAGE_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

  /** The image an OVA became, and its first version. */
  public record Imported(Image image, ImageVersion version) {}

  private final ImageCatalogue catalogue;
  private final UploadService uploads;
  private final ImageInspector inspector;
  private final BlobStore blobs;
  private final long maxArchiveBytes;
  private final long maxVirtualBytes;

  public OvaImporter(
      ImageCatalogue catalogue,
      UploadService uploads,
      ImageInspector inspector,
      BlobStore blobs,
      ImagesProperties properties) {
    this.catalogue = catalogue;
    this.uploads = uploads;
    this.inspector = inspector;
    this.blobs = blobs;
    this.maxArchiveBytes = properties.maxUploadSize().toBytes();
    this.maxVirtualBytes = properties.maxVirtualSize().toBytes();
  }

  /**
   * Imports an OVA.
   *
   * @param name the new image's name; blank = the virtual system's name
   * @throws OvaRefusedException with the reason when the OVA is unsafe, malformed or asks for what
   *     Veneer cannot honour; nothing is kept then
   */
  public Imported importOva(InputStream body, String name) throws IOException {
    Path disk = blobs.newTempFile("ova-import");
    try {
      OvfDescriptor descriptor = unpack(new LimitedInputStream(body, maxArchiveBytes), disk);
      if (inspector.inspect(disk) instanceof Inspection.Rejected rejected) {
        throw new OvaRefusedException("the disk was refused: " + rejected.reason());
      }
      Image image =
          catalogue.createImage(
              name == null || name.isBlank() ? imageName(descriptor.name()) : name,
              descriptor.description(),
              descriptor.os(),
              descriptor.hardware());
      ImageVersion version;
      try (InputStream in = Files.newInputStream(disk)) {
        version = uploads.upload(image.id(), in, null);
      }
      log.info(
          "event=ova-imported image={} version={} vcpus={} memoryMib={} firmware={}",
          image.id(),
          version.id(),
          descriptor.hardware().vcpus(),
          descriptor.hardware().memoryMib(),
          descriptor.hardware().firmware());
      return new Imported(image, version);
    } catch (OvaRefusedException e) {
      log.info("event=ova-refused reason=\"{}\"", e.getMessage());
      throw e;
    } finally {
      Files.deleteIfExists(disk);
    }
  }

  /**
   * Reads the archive: the descriptor, the manifest, the disk into {@code disk}; checks digests.
   */
  private OvfDescriptor unpack(InputStream archive, Path disk) throws IOException {
    Tar.Entry first =
        Tar.readHeader(archive).orElseThrow(() -> new OvaRefusedException("the archive is empty"));
    if (!first.name().endsWith(".ovf")) {
      throw new OvaRefusedException(
          "the archive begins with '" + first.name() + "': an OVA begins with its .ovf descriptor");
    }
    byte[] descriptorBytes = content(archive, first, OvfReader.MAX_DESCRIPTOR_BYTES, "descriptor");
    OvfDescriptor descriptor = OvfReader.read(descriptorBytes, maxVirtualBytes);
    String diskName = descriptor.disk().fileName();
    Manifest manifest = null;
    boolean diskFound = false;
    Set<String> seen = new HashSet<>(Set.of(first.name()));
    for (var entry = Tar.readHeader(archive); entry.isPresent(); entry = Tar.readHeader(archive)) {
      Tar.Entry file = entry.get();
      if (!seen.add(file.name())) {
        throw new OvaRefusedException("the archive holds '" + file.name() + "' twice");
      }
      if (file.name().equals(diskName)) {
        copy(archive, file, disk, descriptor.disk().fileSize());
        diskFound = true;
      } else if (file.name().endsWith(".mf")) {
        manifest = Manifest.parse(content(archive, file, MAX_MANIFEST_BYTES, "manifest"));
      } else {
        // Certificates, NVRAM, media: nothing a golden image uses, so never written anywhere.
        Tar.skip(archive, file.size());
      }
    }
    if (!diskFound) {
      throw new OvaRefusedException(
          "the descriptor's disk '" + diskName + "' is not in the archive");
    }
    if (manifest != null) {
      check(manifest, first.name(), digestOf(descriptorBytes, manifest, first.name()));
      check(manifest, diskName, digestOf(disk, manifest, diskName));
    }
    return descriptor;
  }

  private static byte[] content(InputStream archive, Tar.Entry entry, int limit, String what)
      throws IOException {
    if (entry.size() > limit) {
      throw new OvaRefusedException(
          "the " + what + " '" + entry.name() + "' is larger than " + limit + " bytes");
    }
    byte[] bytes = archive.readNBytes((int) entry.size());
    if (bytes.length < entry.size()) {
      throw new OvaRefusedException("the archive ends inside '" + entry.name() + "'");
    }
    archive.skipNBytes(Tar.padding(entry.size()));
    return bytes;
  }

  private static void copy(InputStream archive, Tar.Entry entry, Path disk, long declaredSize)
      throws IOException {
    if (declaredSize >= 0 && declaredSize != entry.size()) {
      throw new OvaRefusedException(
          "the descriptor says '"
              + entry.name()
              + "' has "
              + declaredSize
              + " bytes, the archive holds "
              + entry.size());
    }
    try (OutputStream out = Files.newOutputStream(disk)) {
      long copied = new BoundedInputStream(archive, entry.size()).transferTo(out);
      if (copied < entry.size()) {
        throw new OvaRefusedException("the archive ends inside '" + entry.name() + "'");
      }
    }
    archive.skipNBytes(Tar.padding(entry.size()));
  }

  private static void check(Manifest manifest, String file, String actual) {
    Manifest.FileDigest stated = manifest.digests().get(file);
    if (!stated.hex().equals(actual)) {
      throw new OvaRefusedException(
          "'"
              + file
              + "' does not match the manifest ("
              + stated.algorithm()
              + " "
              + actual
              + ", the manifest says "
              + stated.hex()
              + "): the OVA is corrupt or was altered");
    }
  }

  private static MessageDigest algorithm(Manifest manifest, String file) {
    Manifest.FileDigest stated = manifest.digests().get(file);
    if (stated == null) {
      throw new OvaRefusedException("the manifest does not cover '" + file + "'");
    }
    try {
      return MessageDigest.getInstance(stated.javaName());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has " + stated.javaName(), e);
    }
  }

  private static String digestOf(byte[] bytes, Manifest manifest, String file) {
    return HexFormat.of().formatHex(algorithm(manifest, file).digest(bytes));
  }

  private static String digestOf(Path path, Manifest manifest, String file) throws IOException {
    MessageDigest digest = algorithm(manifest, file);
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(path)) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The virtual system's name as an image name: other characters become dashes. */
  static String imageName(String systemName) {
    String name = systemName.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[._-]+", "");
    name = name.length() > 63 ? name.substring(0, 63) : name;
    return name.matches(IMAGE_NAME) ? name : "imported";
  }
}
