package io.veneer.images.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.images.api.ImageViews.VersionView;
import io.veneer.images.boot.BootFiles;
import io.veneer.images.catalogue.BootFileKind;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** REST API of the kernel and initrd a version boots with directly, over {@link BootFiles}. */
@RestController
@Tag(name = "images")
@RequestMapping("/api/v1/images/{imageId}/versions/{versionId}")
class BootFilesController {

  private final BootFiles bootFiles;

  BootFilesController(BootFiles bootFiles) {
    this.bootFiles = bootFiles;
  }

  @Operation(
      operationId = "putVersionKernel",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Sets a version's kernel",
      description =
          "The kernel desktops of pools with bootMode direct-kernel boot, as the raw request "
              + "body: an x86-64 ELF vmlinux with the PVH entry note (the fastest to boot), or a "
              + "bzImage. Only before the version is published (409 after); 400 naming what is "
              + "wrong with the file, which changes nothing. Stored and served to agents by "
              + "digest, like the disk.")
  @PutMapping(path = "/kernel", consumes = MediaType.ALL_VALUE)
  VersionView kernel(
      @PathVariable UUID imageId, @PathVariable UUID versionId, HttpServletRequest request)
      throws IOException {
    return attach(imageId, versionId, BootFileKind.KERNEL, request);
  }

  @Operation(
      operationId = "putVersionInitrd",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Sets a version's initrd",
      description =
          "The initial ramdisk booted with the version's kernel, as the raw request body: a "
              + "cpio archive, plain or compressed (gzip, xz, zstd, lz4, bzip2, lzma). Only "
              + "before the version is published (409 after); 400 naming what is wrong with the "
              + "file, which changes nothing.")
  @PutMapping(path = "/initrd", consumes = MediaType.ALL_VALUE)
  VersionView initrd(
      @PathVariable UUID imageId, @PathVariable UUID versionId, HttpServletRequest request)
      throws IOException {
    return attach(imageId, versionId, BootFileKind.INITRD, request);
  }

  private VersionView attach(
      UUID imageId, UUID versionId, BootFileKind kind, HttpServletRequest request)
      throws IOException {
    try (InputStream body = request.getInputStream()) {
      return VersionView.of(bootFiles.attach(imageId, versionId, kind, body));
    }
  }
}
