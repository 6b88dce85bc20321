package io.veneer.portal.backend;

import io.veneer.portal.backend.GoldenImageViews.CreateImage;
import io.veneer.portal.backend.GoldenImageViews.Image;
import io.veneer.portal.backend.GoldenImageViews.Page;
import io.veneer.portal.backend.GoldenImageViews.Version;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

/** The golden image service's REST API ({@code /api/v1/images}), called as the logged-in admin. */
public final class GoldenImages {

  private final RestClient rest;

  GoldenImages(RestClient rest) {
    this.rest = rest;
  }

  /** The first 500 images by name: more than one admin page shows. */
  public List<Image> images() {
    return rest.get()
        .uri("images?pageSize=500")
        .retrieve()
        .body(new ParameterizedTypeReference<Page<Image>>() {})
        .items();
  }

  public Image image(UUID id) {
    return rest.get().uri("images/{id}", id).retrieve().body(Image.class);
  }

  public Image create(CreateImage image) {
    return rest.post().uri("images").body(image).retrieve().body(Image.class);
  }

  /** Newest first. */
  public List<Version> versions(UUID imageId) {
    return rest.get()
        .uri("images/{id}/versions", imageId)
        .retrieve()
        .body(new ParameterizedTypeReference<Page<Version>>() {})
        .items();
  }

  public Version version(UUID imageId, UUID versionId) {
    return rest.get()
        .uri("images/{id}/versions/{v}", imageId, versionId)
        .retrieve()
        .body(Version.class);
  }

  /** Begins a resumable upload: a version UPLOADING with no bytes yet. */
  public Version beginUpload(UUID imageId) {
    return rest.post().uri("images/{id}/versions:begin", imageId).retrieve().body(Version.class);
  }

  /**
   * Streams one piece of the upload to the service at {@code offset} (which must be the version's
   * bytesReceived); the version with its new bytesReceived.
   */
  public Version append(UUID imageId, UUID versionId, long offset, long length, InputStream piece) {
    return rest.patch()
        .uri("images/{id}/versions/{v}/content", imageId, versionId)
        .header("Upload-Offset", Long.toString(offset))
        .contentType(MediaType.APPLICATION_OCTET_STREAM)
        .contentLength(length)
        .body((OutputStream out) -> piece.transferTo(out))
        .retrieve()
        .body(Version.class);
  }

  /** Ends the upload; the service verifies and converts it (AVAILABLE, or a 422 with why not). */
  public Version complete(UUID imageId, UUID versionId) {
    return rest.post()
        .uri("images/{id}/versions/{v}/complete", imageId, versionId)
        .retrieve()
        .body(Version.class);
  }

  /** {@code publish} or {@code deprecate}. */
  public Version changeState(UUID imageId, UUID versionId, String change) {
    return rest.post()
        .uri("images/{id}/versions/{v}/{change}", imageId, versionId, change)
        .retrieve()
        .body(Version.class);
  }

  /**
   * The version converted to {@code format}; {@code download} gets the headers (file name, length)
   * and then the body, streamed.
   */
  public void export(
      UUID imageId,
      UUID versionId,
      String format,
      Consumer<HttpHeaders> headers,
      OutputStream download) {
    rest.get()
        .uri("images/{id}/versions/{v}/export?format={f}", imageId, versionId, format)
        .exchange(
            (request, response) -> {
              if (response.getStatusCode().isError()) {
                throw BackendProblem.read(
                    "The golden image service",
                    response.getStatusCode().value(),
                    response.getBody());
              }
              headers.accept(response.getHeaders());
              try (InputStream body = response.getBody()) {
                body.transferTo(download);
              }
              return null;
            });
  }
}
