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
    HardwareProfile hardware = version.image().hardware();
    if (!hardware.bootMode().equals("disk") || !hardware.machine().equals("q35")) {
      throw new IllegalArgumentException(
          "Image "
              + version.image().name()
              + " boots a "
              + hardware.machine()
              + " machine by "
              + hardware.bootMode()
              + ": an OVA carries a disk that boots itself on a PC (q35, bootMode disk)");
    }
    String base = version.image().name() + "-v" + version.number();
    Path disk = blobs.newTempFile("ova-disk-" + version.id());
    try {
      convert(blob, disk);
      OvfDescriptor.Disk diskFile =
          new OvfDescriptor.Disk(
              base + "-disk1.vmdk", Files.size(disk), version.virtualSizeBytes());
      byte[] descriptor =
          OvfWriter.write(
              new OvfDescriptor(
                  base, version.image().description(), version.image().os(), hardware, diskFile));
      Map<String, byte[]> digests = new LinkedHashMap<>();
      digests.put(base + ".ovf", sha256(descriptor));
      digests.put(diskFile.fileName(), UploadService.hash(disk));
      byte[] manifest = Manifest.sha256(digests).bytes();
      Path ova = blobs.newTempFile("ova-" + version.id());
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
