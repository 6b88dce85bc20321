package io.veneer.images.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veneer.images.ImagesProperties;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Blobs for node agents, by digest: HTTP Range so a cut download resumes, ETag = digest so the
 * agent can verify what it got. Only blobs of usable versions are served, and only to a caller with
 * the agent token.
 */
@RestController
@Tag(name = "blobs")
class BlobsController {

  private static final Logger log = LoggerFactory.getLogger(BlobsController.class);

  private final BlobStore blobs;
  private final ImageCatalogue catalogue;
  private final byte[] agentToken;

  BlobsController(BlobStore blobs, ImageCatalogue catalogue, ImagesProperties properties) {
    this.blobs = blobs;
    this.catalogue = catalogue;
    this.agentToken =
        properties.agentToken() == null || properties.agentToken().isBlank()
            ? null
            : properties.agentToken().getBytes(StandardCharsets.UTF_8);
  }

  @Operation(
      operationId = "downloadBlob",
      responses =
          @ApiResponse(
              responseCode = "200",
              description = "The blob, or the asked range of it",
              content =
                  @Content(
                      mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                      schema = @Schema(type = "string", format = "binary"))),
      summary = "Downloads a blob (node agents)",
      description =
          "The qcow2 disk, kernel or initrd of a usable version, by its sha256 digest, for node"
              + " agents with "
              + "the agent token. Takes HTTP Range so a cut download resumes; the ETag is the "
              + "digest.")
  @SecurityRequirement(name = ApiDocumentation.AGENT_TOKEN)
  @GetMapping("/api/v1/blobs/{digest}")
  ResponseEntity<Resource> blob(
      @PathVariable String digest,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    if (!authorized(authorization)) {
      throw new UnauthorizedException(
          agentToken == null
              ? "Blobs are served to node agents only, and no agent token is configured (veneer.images.agent-token)"
              : "Present the agent token as 'Authorization: Bearer <token>'");
    }
    Digest wanted = Digest.parse(digest);
    if (!catalogue.isServable(wanted.toString())) {
      throw new NotFoundException("No usable image version has blob " + wanted);
    }
    var path =
        blobs
            .find(wanted)
            .orElseThrow(() -> new NotFoundException("Blob " + wanted + " is missing"));
    // Under the trace of the desktop request whose agent fetches it (the agent sends traceparent).
    log.info("event=blob-served digest={}", wanted);
    return ResponseEntity.ok()
        .eTag("\"" + wanted + "\"")
        .header(HttpHeaders.ACCEPT_RANGES, "bytes")
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .body(new FileSystemResource(path));
  }

  private boolean authorized(String authorization) {
    if (agentToken == null || authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(
        agentToken, authorization.substring(7).getBytes(StandardCharsets.UTF_8));
  }
}
