package io.veneer.images.api;

import io.veneer.images.ImagesProperties;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
class BlobsController {

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

  @GetMapping("/api/v1/blobs/{digest}")
  ResponseEntity<Resource> blob(
      @PathVariable String digest,
      @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    if (!authorized(authorization)) {
      throw new UnauthorizedException(
          agentToken == null
              ? "Blobs are served to node agents only, and no agent token is configured"
                  + " (veneer.images.agent-token)"
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
