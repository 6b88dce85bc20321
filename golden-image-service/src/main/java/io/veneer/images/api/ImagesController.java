package io.veneer.images.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.images.api.ImageViews.CreateImage;
import io.veneer.images.api.ImageViews.ImageView;
import io.veneer.images.api.ImageViews.Page;
import io.veneer.images.api.ImageViews.VersionView;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.VersionKind;
import io.veneer.images.export.VersionExporter;
import io.veneer.images.upload.UploadService;
import io.veneer.images.upload.UrlImporter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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
@Tag(name = "images")
@RequestMapping("/api/v1/images")
class ImagesController {

  private static final Pattern SAFE_FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,200}");

  private final ImageCatalogue catalogue;
  private final UploadService uploads;
  private final VersionExporter exporter;
  private final UrlImporter importer;

  ImagesController(
      ImageCatalogue catalogue,
      UploadService uploads,
      VersionExporter exporter,
      UrlImporter importer) {
    this.catalogue = catalogue;
    this.uploads = uploads;
    this.exporter = exporter;
    this.importer = importer;
  }

  @Operation(
      operationId = "createImage",
      summary = "Creates an image",
      description =
          "Creates a golden image (a name, a description, the OS and its hardware profile) "
              + "with no versions yet; upload or import its versions next. 409 when the name is "
              + "taken.")
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  ImageView create(
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(
                              name = "a desktop image",
                              value = RequestExamples.CREATE_IMAGE)))
          @RequestBody
          CreateImage request) {
    return ImageView.of(
        catalogue.createImage(
            request.name(), request.description(), request.os(), request.hardware()));
  }

  @Operation(
      operationId = "listImages",
      summary = "Lists images",
      description =
          "Images by name, a page at a time: pageToken is the last name of the previous "
              + "page (its nextCursor).")
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

  @Operation(
      operationId = "getImage",
      summary = "Reads an image",
      description = "One golden image with its hardware profile.")
  @GetMapping("/{imageId}")
  ImageView get(@PathVariable UUID imageId) {
    return ImageView.of(catalogue.image(imageId));
  }

  @Operation(
      operationId = "listVersions",
      summary = "Lists an image's versions",
      description =
          "Its versions, newest first, with state, rejection reason, digest and "
              + "bytesReceived (upload progress).")
  @GetMapping("/{imageId}/versions")
  Page<VersionView> versions(@PathVariable UUID imageId) {
    return new Page<>(catalogue.versions(imageId).stream().map(VersionView::of).toList(), "");
  }

  @Operation(
      operationId = "uploadVersion",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Uploads a version",
      description =
          "Uploads a new version as the raw request body (raw, qcow2, vpc/VHD, vhdx, vmdk, "
              + "vdi or parallels), streamed to disk, inspected safely and converted to qcow2. "
              + "Answers 201 with the AVAILABLE version, or 422 with the reason it was rejected. "
              + "For large images prefer the resumable upload (versions:begin). With "
              + "kind=rootfs the body is a root-filesystem tar (plain or gzip) for shared-root "
              + "pools: checked as agents unpack it and stored as it arrived; one that breaks a "
              + "rule (absolute or '..' paths, links out of the root, device nodes, setuid, "
              + "limits) is answered 400 naming the entry, and nothing of it is kept.")
  @PostMapping(path = "/{imageId}/versions", consumes = MediaType.ALL_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  VersionView upload(
      @PathVariable UUID imageId,
      @RequestParam(required = false) String expectedDigest,
      @RequestParam(required = false) String fileName,
      @RequestParam(defaultValue = "disk") String kind,
      HttpServletRequest request)
      throws IOException {
    if (fileName != null && !SAFE_FILE_NAME.matcher(fileName).matches()
        || fileName != null && fileName.contains("..")) {
      throw new IllegalArgumentException(
          "fileName may hold letters, digits, dots, dashes, underscores and spaces only, "
              + "with no path: '"
              + fileName
              + "' was refused");
    }
    catalogue.image(imageId);
    try (InputStream body = request.getInputStream()) {
      return VersionView.of(
          uploads.upload(imageId, VersionKind.ofWord(kind), body, expectedDigest));
    }
  }

  @Operation(
      operationId = "beginUpload",
      summary = "Begins a resumable upload",
      description =
          "The version is UPLOADING with no bytes: send them in pieces with PATCH "
              + ".../content, then POST .../complete. After a dropped connection, read the "
              + "version's bytesReceived and go on from there. kind=rootfs for a "
              + "root-filesystem tar, as in uploadVersion.")
  @PostMapping("/{imageId}/versions:begin")
  @ResponseStatus(HttpStatus.CREATED)
  VersionView beginUpload(
      @PathVariable UUID imageId, @RequestParam(defaultValue = "disk") String kind)
      throws IOException {
    VersionKind versionKind = VersionKind.ofWord(kind);
    catalogue.image(imageId);
    return VersionView.of(uploads.begin(imageId, versionKind));
  }

  @Operation(
      operationId = "appendToUpload",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Appends to a resumable upload",
      description =
          "Appends the body at Upload-Offset, which must equal the version's bytesReceived;"
              + " 409 with the right bytesReceived otherwise, so a client resumes where the "
              + "service is.")
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

  @Operation(
      operationId = "completeUpload",
      summary = "Completes a resumable upload",
      description =
          "Ends the upload and verifies it (expectedDigest, when given, must match): 201 "
              + "with the AVAILABLE version, or 422 with the reason it was rejected.")
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

  @Operation(
      operationId = "importVersion",
      summary = "Imports a version from a URL",
      description =
          "Fetches the image from a URL on the allow-list (none by default; no redirects) "
              + "and verifies it like an upload: 201 AVAILABLE, or 422 with the reason.")
  @PostMapping(path = "/{imageId}/versions:import", consumes = MediaType.APPLICATION_JSON_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  VersionView importFromUrl(
      @PathVariable UUID imageId,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_JSON_VALUE,
                      examples =
                          @ExampleObject(
                              name = "an import from an allowed URL",
                              value = RequestExamples.IMPORT)))
          @RequestBody
          ImportRequest request)
      throws IOException {
    catalogue.image(imageId);
    return VersionView.of(importer.importFrom(imageId, request.url(), request.expectedDigest()));
  }

  @Operation(
      operationId = "getVersion",
      summary = "Reads a version",
      description =
          "One version with its state, reason, digest and bytesReceived: poll it for upload"
              + " progress.")
  @GetMapping("/{imageId}/versions/{versionId}")
  VersionView version(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.version(imageId, versionId));
  }

  @Operation(
      operationId = "publishVersion",
      summary = "Publishes a version",
      description =
          "An AVAILABLE version becomes PUBLISHED: pools may use it; its bits never change.")
  @PostMapping("/{imageId}/versions/{versionId}/publish")
  VersionView publish(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.publish(imageId, versionId));
  }

  @Operation(
      operationId = "deprecateVersion",
      summary = "Deprecates a version",
      description =
          "A PUBLISHED version becomes DEPRECATED: no new pools on it; pools that use it "
              + "keep it until they roll.")
  @PostMapping("/{imageId}/versions/{versionId}/deprecate")
  VersionView deprecate(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.deprecate(imageId, versionId));
  }

  @Operation(
      operationId = "deleteVersion",
      summary = "Deletes a version",
      description = "The version is DELETED; its blob is collected once no version uses it.")
  @DeleteMapping("/{imageId}/versions/{versionId}")
  VersionView delete(@PathVariable UUID imageId, @PathVariable UUID versionId) {
    return VersionView.of(catalogue.delete(imageId, versionId));
  }

  @Operation(
      operationId = "exportVersion",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The image in the asked format",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Exports a version",
      description =
          "The version converted to another hypervisor's format (vhd, vhdx, vmdk, vdi, hds "
              + "for Parallels, raw or qcow2), or as an OVA (ova: an OVF 2.x descriptor with the image's hardware, "
              + "a SHA256 manifest and a stream-optimized VMDK, for VMware, VirtualBox and "
              + "oVirt), as an attachment with its length.")
  @GetMapping("/{imageId}/versions/{versionId}/export")
  ResponseEntity<InputStreamResource> export(
      @PathVariable UUID imageId, @PathVariable UUID versionId, @RequestParam String format)
      throws IOException {
    VersionExporter.Export export = exporter.export(imageId, versionId, format);
    long size = Files.size(export.file());
    InputStream stream = new DeleteOnCloseInputStream(export.file());
    return ResponseEntity.ok()
        .header(
            HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + export.fileName() + "\"")
        .contentLength(size)
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(new InputStreamResource(stream));
  }
}
