package io.veneer.portal.admin;

import io.veneer.portal.backend.GoldenImageViews.CreateImage;
import io.veneer.portal.backend.GoldenImageViews.Hardware;
import io.veneer.portal.backend.GoldenImageViews.Version;
import io.veneer.portal.backend.GoldenImages;
import io.veneer.portal.web.PortalRefusal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Golden images: list, create, upload a version with a progress bar, publish, deprecate, export.
 *
 * <p>Uploads are resumable and pass through: the browser sends the file in pieces to the portal,
 * which streams each piece straight to the image service's resumable upload (PATCH with
 * Upload-Offset) and answers with the bytes the service has received. Nothing is buffered here, so
 * a multi-GiB image costs the portal one piece in flight, and a dropped piece is sent again from
 * the offset the service reports.
 */
@Controller
class ImagesAdminController {

  /**
   * What the version page offers to export to, as people know the formats; the image service
   * decides what it exports (its README's table), this list only names and orders them.
   */
  private static final List<ExportFormat> EXPORT_FORMATS =
      List.of(
          new ExportFormat("vhdx", "VHDX (Hyper-V)"),
          new ExportFormat("vhd", "VHD (Virtual PC, Hyper-V)"),
          new ExportFormat("vmdk", "VMDK (VMware)"),
          new ExportFormat("vdi", "VDI (VirtualBox)"),
          new ExportFormat("hds", "HDS (Parallels)"),
          new ExportFormat("ova", "OVA (VMware, VirtualBox, oVirt)"),
          new ExportFormat("raw", "raw"),
          new ExportFormat("qcow2", "qcow2 (QEMU, KVM, Xen)"));

  /** A format a version is offered in: its name in the image service's API and its label. */
  record ExportFormat(String name, String label) {}

  private final GoldenImages images;

  ImagesAdminController(GoldenImages images) {
    this.images = images;
  }

  @GetMapping("/admin/images")
  String images(Model model) {
    model.addAttribute("images", images.images());
    return "admin/images";
  }

  @PostMapping("/admin/images")
  String create(
      @RequestParam String name,
      @RequestParam(defaultValue = "") String description,
      @RequestParam(defaultValue = "linux") String os,
      @RequestParam(defaultValue = "2") int vcpus,
      @RequestParam(defaultValue = "2048") long memoryMib) {
    var image =
        images.create(
            new CreateImage(
                name,
                description,
                os,
                new Hardware("q35", "bios", vcpus, memoryMib, "disk", "", true)));
    return "redirect:/admin/images/" + image.id();
  }

  @ModelAttribute("exportFormats")
  List<ExportFormat> exportFormats() {
    return EXPORT_FORMATS;
  }

  @GetMapping("/admin/images/{imageId}")
  String image(@PathVariable UUID imageId, Model model) {
    model.addAttribute("image", images.image(imageId));
    model.addAttribute("versions", images.versions(imageId));
    return "admin/image";
  }

  @GetMapping("/admin/images/{imageId}/versions")
  String versions(@PathVariable UUID imageId, Model model) {
    model.addAttribute("image", images.image(imageId));
    model.addAttribute("versions", images.versions(imageId));
    return "admin/image :: versions";
  }

  /** Step 1 of an upload: a new version, UPLOADING, with no bytes. */
  @PostMapping("/admin/images/{imageId}/uploads")
  @ResponseBody
  Version begin(@PathVariable UUID imageId) {
    return images.beginUpload(imageId);
  }

  /** Step 2, repeated: one piece at {@code Upload-Offset}, streamed on to the image service. */
  @PostMapping(path = "/admin/images/{imageId}/uploads/{versionId}", consumes = MediaType.ALL_VALUE)
  @ResponseBody
  Version piece(
      @PathVariable UUID imageId,
      @PathVariable UUID versionId,
      @RequestHeader("Upload-Offset") long offset,
      HttpServletRequest request)
      throws IOException {
    long length = request.getContentLengthLong();
    if (length < 0) {
      throw new PortalRefusal(
          411, "Length required", "Send each piece of an image with its Content-Length.");
    }
    try (InputStream piece = request.getInputStream()) {
      return images.append(imageId, versionId, offset, length, piece);
    }
  }

  /** The version as the image service has it (its bytesReceived, to resume after a failure). */
  @GetMapping("/admin/images/{imageId}/uploads/{versionId}")
  @ResponseBody
  Version upload(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return images.version(imageId, versionId);
  }

  /** Step 3: the service verifies and converts the image: AVAILABLE, or refused with why. */
  @PostMapping("/admin/images/{imageId}/uploads/{versionId}/complete")
  @ResponseBody
  Version complete(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return images.complete(imageId, versionId);
  }

  @PostMapping("/admin/images/{imageId}/versions/{versionId}/{change:publish|deprecate}")
  String changeState(
      @PathVariable UUID imageId,
      @PathVariable UUID versionId,
      @PathVariable String change,
      Model model) {
    images.changeState(imageId, versionId, change);
    return versions(imageId, model);
  }

  @GetMapping("/admin/images/{imageId}/versions/{versionId}/export")
  void export(
      @PathVariable UUID imageId,
      @PathVariable UUID versionId,
      @RequestParam String format,
      HttpServletResponse response)
      throws IOException {
    if (EXPORT_FORMATS.stream().noneMatch(offered -> offered.name().equals(format))) {
      throw new PortalRefusal(
          400,
          "Unknown format",
          "Export to one of "
              + String.join(", ", EXPORT_FORMATS.stream().map(ExportFormat::name).toList())
              + ".");
    }
    images.export(
        imageId,
        versionId,
        format,
        headers -> {
          response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
          copy(headers, HttpHeaders.CONTENT_DISPOSITION, response);
          copy(headers, HttpHeaders.CONTENT_LENGTH, response);
        },
        response.getOutputStream());
  }

  private static void copy(HttpHeaders from, String name, HttpServletResponse to) {
    String value = from.getFirst(name);
    if (value != null) {
      to.setHeader(name, value);
    }
  }
}
