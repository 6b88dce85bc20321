package io.veneer.images.api;

import io.veneer.images.api.ImageViews.CreateImage;
import io.veneer.images.api.ImageViews.ImageView;
import io.veneer.images.api.ImageViews.Page;
import io.veneer.images.api.ImageViews.VersionView;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.inspection.DiskFormat;
import io.veneer.images.inspection.QemuImg;
import io.veneer.images.inspection.QemuImg.QemuImgTimeoutException;
import io.veneer.images.upload.UploadService;
import io.veneer.images.upload.UrlImporter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST API of golden images and their versions, over {@link ImageCatalogue}. */
@RestController
@RequestMapping("/api/v1/images")
class ImagesController {

  private static final Pattern SAFE_FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,200}");

  private final ImageCatalogue catalogue;
  private final UploadService uploads;
  private final BlobStore blobs;
  private final QemuImg qemuImg;
  private final UrlImporter importer;

  ImagesController(
      ImageCatalogue catalogue,
      UploadService uploads,
      BlobStore blobs,
      QemuImg qemuImg,
      UrlImporter importer) {
    this.catalogue = catalogue;
    this.uploads = uploads;
    this.blobs = blobs;
    this.qemuImg = qemuImg;
    this.importer = importer;
  }

  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  ImageView create(@RequestBody CreateImage request) {
    return ImageView.of(
        catalogue.createImage(
            request.name(), request.description(), request.os(), request.hardware()));
  }

  /** Images by name; {@code pageToken} is the last name of the previous page. */
  @GetMapping
  Page<ImageView> list(
      @RequestParam(defaultValue = "50") int pageSize,
      @RequestParam(defaultValue = "") String pageToken) {
    if (pageSize < 1 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be between 1 and 500, not " + pageSize);
    }
    List<ImageView> page =
        catalogue.images(pageToken, pageSize + 1).stream().map(ImageView::of).toList();
    boolean more = page.size() > pageSize;
    List<ImageView> items = more ? page.subList(0, pageSize) : page;
    return new Page<>(items, more ? items.getLast().name() : "");
  }

  @GetMapping("/{imageId}")
  ImageView get(@PathVariable UUID imageId) {
    return ImageView.of(catalogue.image(imageId));
  }

  @GetMapping("/{imageId}/versions")
  Page<VersionView> versions(@PathVariable UUID imageId) {
    return new Page<>(catalogue.versions(imageId).stream().map(VersionView::of).toList(), "");
  }

  /**
   * Uploads a new version as the raw request body (any format qemu-img reads safely), streamed to
   * disk. Answers 201 with the AVAILABLE version, or 422 with the reason it was rejected.
   */
  @PostMapping(path = "/{imageId}/versions", consumes = MediaType.ALL_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  VersionView upload(
      @PathVariable UUID imageId,
      @RequestParam(required = false) String expectedDigest,
      @RequestParam(required = false) String fileName,
      HttpServletRequest request)
      throws IOException {
    if (fileName != null && !SAFE_FILE_NAME.matcher(fileName).matches()
        || fileName != null && fileName.contains("..")) {
      throw new IllegalArgumentException(
          "fileName may hold letters, digits, dots, dashes, underscores and spaces only, with no"
              + " path: '"
              + fileName
              + "' was refused");
    }
    catalogue.image(imageId);
    try (InputStream body = request.getInputStream()) {
      return VersionView.of(uploads.upload(imageId, body, expectedDigest));
    }
  }

  /**
   * Begins a resumable upload: the version is UPLOADING with no bytes; send them in pieces with
   * {@code PATCH .../content}, then {@code POST .../complete}.
   */
  @PostMapping("/{imageId}/versions:begin")
  @ResponseStatus(HttpStatus.CREATED)
  VersionView beginUpload(@PathVariable UUID imageId) throws IOException {
    catalogue.image(imageId);
    return VersionView.of(uploads.begin(imageId));
  }

  /**
   * Appends the body to a resumable upload at {@code Upload-Offset}, which must equal the version's
   * {@code bytesReceived} (409 with the right offset otherwise).
   */
  @PatchMapping(path = "/{imageId}/versions/{versionId}/content", consumes = MediaType.ALL_VALUE)
  VersionView appendToUpload(
      @PathVariable UUID imageId,
      @PathVariable UUID versionId,
      @RequestHeader("Upload-Offset") long offset,
      HttpServletRequest request)
      throws IOException {
    try (InputStream body = request.getInputStream()) {
      return VersionView.of(uploads.append(imageId, versionId, offset, body));
    }
  }

  /** Ends a resumable upload and verifies it: 201 with the AVAILABLE version, or 422. */
  @PostMapping("/{imageId}/versions/{versionId}/complete")
  @ResponseStatus(HttpStatus.CREATED)
  VersionView completeUpload(
      @PathVariable UUID imageId,
      @PathVariable UUID versionId,
      @RequestParam(required = false) String expectedDigest)
      throws IOException {
    return VersionView.of(uploads.complete(imageId, versionId, expectedDigest));
  }

  record ImportRequest(String url, String expectedDigest) {}

  /** Imports a version from a URL on the allow-list (none by default). */
  @PostMapping(path = "/{imageId}/versions:import", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  VersionView importFromUrl(@PathVariable UUID imageId, @RequestBody ImportRequest request)
      throws IOException {
    catalogue.image(imageId);
    return VersionView.of(importer.importFrom(imageId, request.url(), request.expectedDigest()));
  }

  @GetMapping("/{imageId}/versions/{versionId}")
  VersionView version(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.version(imageId, versionId));
  }

  @PostMapping("/{imageId}/versions/{versionId}/publish")
  VersionView publish(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.publish(imageId, versionId));
  }

  @PostMapping("/{imageId}/versions/{versionId}/deprecate")
  VersionView deprecate(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.deprecate(imageId, versionId));
  }

  @DeleteMapping("/{imageId}/versions/{versionId}")
  VersionView delete(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.delete(imageId, versionId));
  }

  /** The version converted to another hypervisor's format: vhd, vhdx, vmdk, vdi, raw or qcow2. */
  @GetMapping("/{imageId}/versions/{versionId}/export")
  ResponseEntity<InputStreamResource> export(
      @PathVariable UUID imageId, @PathVariable UUID versionId, @RequestParam String format)
      throws IOException {
    DiskFormat target = DiskFormat.exportFormat(format);
    ImageVersion version = catalogue.version(imageId, versionId);
    if (!version.state().isUsable()) {
      throw new NotFoundException(
          "Version " + versionId + " is " + version.state() + " and has no bits to export");
    }
    Path blob =
        blobs
            .find(Digest.parse(version.digest()))
            .orElseThrow(
                () -> new NotFoundException("The blob of version " + versionId + " is missing"));
    Path exported = blobs.newTempFile("export-" + versionId);
    try {
      QemuImg.Result result = qemuImg.convert(blob, DiskFormat.QCOW2, exported, target);
      if (!result.succeeded()) {
        throw new IllegalStateException("Export to " + format + " failed: " + result.problem());
      }
    } catch (QemuImgTimeoutException e) {
      Files.deleteIfExists(exported);
      throw new IllegalStateException("Export to " + format + " took too long", e);
    }
    String name = version.image().name() + "-v" + version.number() + "." + target.extension();
    InputStream stream = new DeleteOnCloseInputStream(exported);
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
        .contentLength(Files.size(exported))
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(new InputStreamResource(stream));
  }
}
