package io.veneer.images.inspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.TestImages;
import io.veneer.images.inspection.FormatDetector.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The format comes from the image's own magic bytes, never from qemu-img's guess. */
class FormatDetectorTest {

  @TempDir Path dir;
  private final FormatDetector detector = new FormatDetector();

  @ParameterizedTest(name = "{0} ({1}) is detected as {2}")
  @CsvSource({
    "qcow2,     ,                  QCOW2",
    "vpc,       subformat=dynamic, VPC",
    "vpc,       subformat=fixed,   VPC",
    "vhdx,      ,                  VHDX",
    "vmdk,      ,                  VMDK",
    "vmdk,      subformat=streamOptimized, VMDK",
    "vdi,       ,                  VDI",
    "parallels, ,                  PARALLELS",
  })
  void detectsEachFormatQemuImgWritesFromItsMagicBytes(
      String qemuFormat, String options, DiskFormat expected) throws IOException {
    Path raw = TestImages.raw(dir);
    Path image = dir.resolve("image." + qemuFormat);
    if (options == null) {
      TestImages.qemuImg(
          "convert", "-f", "raw", "-O", qemuFormat, raw.toString(), image.toString());
    } else {
      TestImages.qemuImg(
          "convert",
          "-f",
          "raw",
          "-O",
          qemuFormat,
          "-o",
          options,
          raw.toString(),
          image.toString());
    }

    assertThat(detector.detect(image)).isEqualTo(new Detection.Detected(expected));
  }

  /**
   * qemu-img times its key derivation in thread CPU milliseconds and gives up when one round
   * measured 0 ms, which a coarse CPU clock on an idle machine sometimes reports ("Unable to get
   * accurate CPU usage"); another try measures again.
   */
  private static void createEncrypted(Path image, String format, String options)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        TestImages.qemuImg(
            "create",
            "--object",
            "secret,id=key,data=veneer-test",
            "-f",
            format,
            "-o",
            options,
            image.toString(),
            "1M");
        return;
      } catch (IOException e) {
        if (attempt == 5 || !e.getMessage().contains("Unable to get accurate CPU usage")) {
          throw e;
        }
        Files.deleteIfExists(image);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {"luks  | key-secret=key", "qcow2 | encrypt.format=luks,encrypt.key-secret=key"})
  void refusesEncryptedImagesAsEncryptedNotAsCorrupt(String format, String options)
      throws IOException {
    Path image = dir.resolve("encrypted." + format);
    createEncrypted(image, format, options);

    assertThat(detector.detect(image))
        .isEqualTo(
            new Detection.Refused(
                new Inspection.Rejected(
                    "encrypted images are not supported: upload the image decrypted")));
  }

  @ParameterizedTest(name = "descriptor of {0} sectors at sector {1}")
  @CsvSource({"0, 1, no embedded descriptor", "100000, 1, more than the 64", "20, 0, no embedded"})
  void refusesAVmdkWhoseDescriptorIsMissingOrOversizedBeforeQemuImgOpensIt(
      long sectors, long offset, String reason) throws IOException {
    Path image = TestImages.converted(TestImages.raw(dir), "vmdk");
    try (java.nio.channels.FileChannel file =
        java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer header =
          java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      header.putLong(offset).putLong(sectors).flip();
      file.write(header, 28);
    }

    assertThat(detector.detect(image))
        .isInstanceOfSatisfying(
            Detection.Refused.class,
            refused -> assertThat(refused.rejection().reason()).contains(reason));
  }

  @Test
  void takesAnImageWithNoMagicBytesAsRaw() throws IOException {
    assertThat(detector.detect(TestImages.raw(dir)))
        .isEqualTo(new Detection.Detected(DiskFormat.RAW));
  }
}
