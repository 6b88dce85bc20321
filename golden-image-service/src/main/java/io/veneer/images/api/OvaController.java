package io.veneer.images.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.images.api.ImageViews.ImageView;
import io.veneer.images.api.ImageViews.VersionView;
import io.veneer.images.ova.OvaImporter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST import of OVAs as golden images, over {@link OvaImporter}. */
@RestController
@Tag(name = "images")
class OvaController {

  private final OvaImporter importer;

  OvaController(OvaImporter importer) {
    this.importer = importer;
  }

  /** The image an OVA became and its first version. */
  record ImportedOva(ImageView image, VersionView version) {}

  @Operation(
      operationId = "importOva",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "application/ovf",
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Imports an OVA as a new image",
      description =
          "The request body is an OVA (an OVF 1.x or 2.x package: the .ovf descriptor first, a"
              + " manifest, one disk). The image takes the descriptor's CPUs, memory, firmware"
              + " and display, and the disk becomes its first version, inspected and converted"
              + " like any upload. name (optional) overrides the virtual system's name. 201 with"
              + " the image and its AVAILABLE version; 422 with the reason when the OVA is unsafe"
              + " or asks for what a desktop cannot have (several disks or NICs, unknown"
              + " required devices, compressed or chunked files, a manifest that does not"
              + " match); nothing is kept then.")
  @PostMapping(path = "/api/v1/images/ova", consumes = MediaType.ALL_VALUE)
  @ResponseStatus(HttpStatus.CREATED)
  ImportedOva importOva(@RequestParam(required = false) String name, HttpServletRequest request)
      throws IOException {
    try (InputStream body = request.getInputStream()) {
      OvaImporter.Imported imported = importer.importOva(body, name);
      return new ImportedOva(ImageView.of(imported.image()), VersionView.of(imported.version()));
    }
  }
}
