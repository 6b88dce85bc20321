package io.veneer.agent.images;

import io.veneer.agent.v1.BlobRef;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the image cache fetches blobs from and how long it waits.
 *
 * @param imageService base URL of the golden image service, or null: a blob without a fetch URL is
 *     fetched from {@code <imageService>/api/v1/blobs/<digest>}, and a relative fetch URL is
 *     resolved against it
 * @param token bearer token for the golden image service (its {@code veneer.images.agent-token});
 *     sent only to the image service's origin, or to every fetch URL when no image service is set
 * @param connectTimeout how long to wait for a connection
 * @param readTimeout how long a response may stay silent (headers or body) before the attempt is
 *     abandoned and resumed
 */
public record BlobSource(
    URI imageService, String token, Duration connectTimeout, Duration readTimeout) {

  public BlobSource {
    token = Objects.requireNonNullElse(token, "");
    if (imageService != null
        && (!imageService.isAbsolute()
            || imageService.getHost() == null
            || !(imageService.getScheme().equals("http")
                || imageService.getScheme().equals("https")))) {
      throw new IllegalArgumentException(
          "VENEER_IMAGE_SERVICE must be an absolute http(s) URL such as http://images:8080, not '"
              + imageService
              + "'");
    }
    if (connectTimeout.isNegative()
        || connectTimeout.isZero()
        || readTimeout.isNegative()
        || readTimeout.isZero()) {
      throw new IllegalArgumentException(
          "VENEER_IMAGE_CONNECT_TIMEOUT_SECONDS and VENEER_IMAGE_READ_TIMEOUT_SECONDS must be at"
              + " least 1");
    }
    if (imageService != null && !imageService.getPath().endsWith("/")) {
      // So that a service behind a path prefix (http://gateway/images) keeps its prefix.
      imageService = URI.create(imageService + "/");
    }
  }

  /** Fetch URLs only, with the given token: how tests and a host without an image service run. */
  public static BlobSource fetchUrlsOnly(String token) {
    return new BlobSource(null, token, Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  /** The URL to fetch a blob from. */
  URI locate(BlobRef blob) throws IOException {
    String fetchUrl = blob.getFetchUrl();
    if (imageService == null) {
      if (fetchUrl.isBlank() || !URI.create(fetchUrl).isAbsolute()) {
        throw new IOException(
            "Blob "
                + blob.getDigest()
                + " has "
                + (fetchUrl.isBlank()
                    ? "no fetch URL"
                    : "the relative fetch URL '" + fetchUrl + "'")
                + " and VENEER_IMAGE_SERVICE is not set: set it to the golden image service's"
                + " base URL");
      }
      return URI.create(fetchUrl);
    }
    if (fetchUrl.isBlank()) {
      return imageService.resolve("api/v1/blobs/" + blob.getDigest());
    }
    return imageService.resolve(fetchUrl);
  }

  /** The Authorization header for a URL, when the token may go there. */
  Optional<String> authorization(URI url) {
    if (token.isEmpty()) {
      return Optional.empty();
    }
    if (imageService != null && !sameOrigin(imageService, url)) {
      return Optional.empty();
    }
    return Optional.of("Bearer " + token);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }
}
