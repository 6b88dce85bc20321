package io.veneer.images.inspection;

import io.veneer.images.ImagesProperties;
import io.veneer.images.inspection.FormatDetector.Detection;
import io.veneer.images.inspection.Inspection.Accepted;
import io.veneer.images.inspection.Inspection.Rejected;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import java.io.IOException;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides whether an uploaded image is safe to convert: our own header checks first (format,
 * references to other files), then {@code qemu-img info} under limits, whose answer is checked
 * again (format, backing file, data file, extents, virtual size).
 */
public final class ImageInspector {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final FormatDetector detector = new FormatDetector();
  private final QemuImg qemuImg;
  private final long maxVirtualSize;

  public ImageInspector(QemuImg qemuImg, ImagesProperties properties) {
    this.qemuImg = qemuImg;
    this.maxVirtualSize = properties.maxVirtualSize().toBytes();
  }

  public Inspection inspect(Path file) throws IOException {
    Detection detection = detector.detect(file);
    if (detection instanceof Detection.Refused refused) {
      return refused.rejection();
    }
    DiskFormat format = ((Detection.Detected) detection).format();
    QemuImg.Result info;
    try {
      info = qemuImg.info(file, format);
    } catch (QemuImgTimeoutException e) {
      return new Rejected("inspecting the image took too long (" + e.getMessage() + ")");
    }
    if (!info.succeeded()) {
      return new Rejected(
          "qemu-img could not read the image as "
              + format.qemuName()
              + ": "
              + withoutPath(info.problem(), file)
              + " (is the upload complete?)");
    }
    JsonNode json;
    try {
      json = JSON.readTree(info.stdout());
    } catch (JacksonException e) {
      return new Rejected("qemu-img's description of the image could not be read");
    }
    Inspection verdict = check(file, format, json);
    if (verdict instanceof Accepted && format != DiskFormat.RAW && format != DiskFormat.VPC) {
      return checkIntegrity(file, format, verdict);
    }
    return verdict;
  }

  /** Catches truncated or corrupt metadata that {@code info} alone reads past. */
  private Inspection checkIntegrity(Path file, DiskFormat format, Inspection accepted)
      throws IOException {
    QemuImg.Result check;
    try {
      check = qemuImg.check(file, format);
    } catch (QemuImgTimeoutException e) {
      return new Rejected(
          "checking the image's consistency took too long (" + e.getMessage() + ")");
    }
    return switch (check.exitCode()) {
      case 0, 3, 63 -> accepted;
      default ->
          new Rejected(
              "the "
                  + format.qemuName()
                  + " image is corrupt or truncated: "
                  + withoutPath(check.problem(), file));
    };
  }

  /** Reasons go to callers; the service's own temp paths are none of their business. */
  private static String withoutPath(String problem, Path file) {
    return problem.replace("'" + file + "'", "the image").replace(file.toString(), "the image");
  }

  private Inspection check(Path file, DiskFormat format, JsonNode info) {
    if (!format.qemuName().equals(info.path("format").asString(""))) {
      return new Rejected(
          "the image claims to be "
              + format.qemuName()
              + " but qemu-img reads it as "
              + info.path("format").asString("unknown"));
    }
    if (info.has("backing-filename") || info.has("full-backing-filename")) {
      return new Rejected(
          "the image names a backing file ("
              + info.path("backing-filename").asString("")
              + "): golden images must be self-contained");
    }
    JsonNode specific = info.path("format-specific").path("data");
    if (specific.has("data-file")) {
      return new Rejected("the image keeps its data in an external data file");
    }
    for (JsonNode extent : specific.path("extents")) {
      String name = extent.path("filename").asString("");
      if (!name.isEmpty() && !Path.of(name).toAbsolutePath().equals(file.toAbsolutePath())) {
        return new Rejected("the VMDK has an extent in another file (" + name + ")");
      }
    }
    long virtualSize = info.path("virtual-size").asLong(-1);
    if (virtualSize <= 0) {
      return new Rejected("the image reports no virtual size");
    }
    if (virtualSize > maxVirtualSize) {
      return new Rejected(
          "the virtual disk is "
              + virtualSize
              + " bytes, above the limit of "
              + maxVirtualSize
              + " bytes (veneer.images.max-virtual-size)");
    }
    return new Accepted(format, virtualSize);
  }
}
