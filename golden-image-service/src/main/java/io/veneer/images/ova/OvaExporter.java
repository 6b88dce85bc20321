package io.veneer.images.ova;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import io.veneer.images.upload.UploadService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * Packs a version as an OVA: the OVF 2.x descriptor first, then the manifest (SHA256 of both other
 * files), then the disk as a stream-optimized VMDK, as ovftool and VirtualBox write and read them.
 */
@Service
public class OvaExporter {

  private final BlobStore blobs;
  private final QemuImg qemuImg;

  public OvaExporter(BlobStore blobs, QemuImg qemuImg) {
    this.blobs = blobs;
    this.qemuImg = qemuImg;
  }

  /**
   * Writes the OVA of a version whose qcow2 blob is {@code blob} to a temp file (whoever streams it
   * deletes it) named {@code <image>-v<n>.ova}.
   *
   * @throws IllegalArgumentException when the image boots in a way no other hypervisor can
   */
  public Path export(ImageVersion version, Path blob) throws IOException {
    return pack(
        new Contents(
            version.image().name() + "-v" + version.number(),
            version.image().description(),
            version.image().os(),
            version.image().hardware(),
            blob,
            version.virtualSizeBytes()));
  }

  /**
   * What an OVA holds.
   *
   * @param baseName the virtual system's name and its files' (a plain file name)
   * @param qcow2 the disk; a backing chain it has is flattened into the OVA's one disk
   */
  record Contents(
      String baseName,
      String description,
      String os,
      HardwareProfile hardware,
      Path qcow2,
      long virtualSize) {}

  /** Writes the OVA of {@code contents} to a temp file (whoever streams it deletes it). */
  Path pack(Contents contents) throws IOException {
    HardwareProfile hardware = contents.hardware();
    if (!hardware.bootMode().equals("disk") || !hardware.machine().equals("q35")) {
      throw new IllegalArgumentException(
          contents.baseName()
              + " boots a "
              + hardware.machine()
              + " machine by "
              + hardware.bootMode()
              + ": an OVA carries a disk that boots itself on a PC (q35, bootMode disk)");
    }
    String base = contents.baseName();
    Path disk = blobs.newTempFile("ova-disk-" + base);
    try {
      convert(contents.qcow2(), disk);
      OvfDescriptor.Disk diskFile =
          new OvfDescriptor.Disk(base + "-disk1.vmdk", Files.size(disk), contents.virtualSize());
      byte[] descriptor =
          OvfWriter.write(
              new OvfDescriptor(base, contents.description(), contents.os(), hardware, diskFile));
      Map<String, byte[]> digests = new LinkedHashMap<>();
      digests.put(base + ".ovf", sha256(descriptor));
      digests.put(diskFile.fileName(), UploadService.hash(disk));
      byte[] manifest = Manifest.sha256(digests).bytes();
      Path ova = blobs.newTempFile("ova-" + base);
      try (OutputStream out = Files.newOutputStream(ova)) {
        writeFile(out, base + ".ovf", descriptor);
        writeFile(out, base + ".mf", manifest);
        Tar.writeHeader(out, diskFile.fileName(), diskFile.fileSize());
        try (InputStream in = Files.newInputStream(disk)) {
          in.transferTo(out);
        }
        Tar.pad(out, diskFile.fileSize());
        Tar.end(out);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(ova);
        throw e;
      }
      return ova;
    } finally {
      Files.deleteIfExists(disk);
    }
  }

  private void convert(Path blob, Path disk) throws IOException {
    QemuImg.Result result;
    try {
      result = qemuImg.convertToStreamOptimizedVmdk(blob, DiskFormat.QCOW2, disk);
    } catch (QemuImgTimeoutException e) {
      throw new IllegalStateException("Export to ova took too long", e);
    }
    if (!result.succeeded()) {
      throw new IllegalStateException("Export to ova failed: " + result.problem());
    }
  }

  private static void writeFile(OutputStream out, String name, byte[] content) throws IOException {
    Tar.writeHeader(out, name, content.length);
    out.write(content);
    Tar.pad(out, content.length);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
