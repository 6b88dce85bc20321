package io.veneer.images.inspection;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.TestImages;
import io.veneer.images.inspection.FormatDetector.Detection;
import java.io.IOException;
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

  @Test
  void takesAnImageWithNoMagicBytesAsRaw() throws IOException {
    assertThat(detector.detect(TestImages.raw(dir)))
        .isEqualTo(new Detection.Detected(DiskFormat.RAW));
  }
}
