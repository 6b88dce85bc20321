package io.veneer.images.upload;

import io.veneer.images.ImagesProperties;
import io.veneer.images.catalogue.ImageVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Imports a version from a URL, but only from the allow-list: without it the service could be
 * turned against hosts only it can reach (SSRF). Redirects are not followed, since a redirect could
 * leave the allow-list, nor proxies. A source that sends nothing for {@code import-read-timeout},
 * or more than {@code max-upload-size}, is given up. An entry's path covers whole segments ({@code
 * /images} is not {@code /images-other}), and a URL with a {@code .} or {@code ..} segment, written
 * plainly or percent-encoded ({@code %2e%2e}), or an encoded slash, is refused, so none can climb
 * out of it.
 */
@Service
public class UrlImporter {

  private final UploadService uploads;
  private final List<URI> allowed;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private final Duration readTimeout;

  public UrlImporter(UploadService uploads, ImagesProperties properties) {
    this.uploads = uploads;
    this.allowed = properties.importAllowList().stream().map(UrlImporter::prefix).toList();
    this.readTimeout = properties.importReadTimeout();
  }

  public ImageVersion importFrom(UUID imageId, String url, String expectedDigest)
      throws IOException {
    URI uri = parse(url);
    if (!allows(uri)) {
      throw new IllegalArgumentException(
          "Imports from "
              + uri.getScheme()
              + "://"
              + uri.getAuthority()
              + " are not allowed: an administrator must add it to veneer.images.import-allow-list"
              + (allowed.isEmpty() ? " (which is empty, so no imports are allowed)" : ""));
    }
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
    connection.setInstanceFollowRedirects(false);
    connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
    connection.setReadTimeout((int) readTimeout.toMillis());
    try {
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new IllegalArgumentException(
            "Fetching " + uri + " answered HTTP " + status + ", not 200");
      }
      long announced = connection.getContentLengthLong();
      if (announced > uploads.maxUploadBytes()) {
        throw new IllegalArgumentException(
            "Fetching "
                + uri
                + " announces "
                + announced
                + " bytes, more than veneer.images.max-upload-size ("
                + uploads.maxUploadBytes()
                + " bytes)");
      }
      try (InputStream body = connection.getInputStream()) {
        return uploads.upload(imageId, body, expectedDigest);
      }
    } finally {
      connection.disconnect();
    }
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url.strip()).normalize();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null
        || uri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "Imports take http or https URLs with a host and no credentials, not '" + url + "'");
    }
    return uri;
  }

  private static URI prefix(String entry) {
    URI uri = URI.create(entry).normalize();
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "veneer.images.import-allow-list entries are scheme://host[:port][/path], not '"
              + entry
              + "'");
    }
    return uri;
  }

  boolean allows(URI uri) {
    return allowed.stream().anyMatch(prefix -> isUnder(uri, prefix));
  }

  private static boolean isUnder(URI uri, URI prefix) {
    List<String> path = segments(uri);
    List<String> under = segments(prefix);
    return uri.getScheme().equalsIgnoreCase(prefix.getScheme())
        && uri.getHost().equalsIgnoreCase(prefix.getHost())
        && port(uri) == port(prefix)
        && path.size() >= under.size()
        && path.subList(0, under.size()).equals(under);
  }

  /** The decoded segments of the URL's path; dot segments and encoded slashes are refused. */
  private static List<String> segments(URI uri) {
    List<String> segments = new ArrayList<>();
    for (String raw : (uri.getRawPath() == null ? "" : uri.getRawPath()).split("/")) {
      if (raw.isEmpty()) {
        continue;
      }
      String segment = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
      if (segment.equals(".")
          || segment.equals("..")
          || segment.contains("/")
          || segment.contains("\\")) {
        throw new IllegalArgumentException(
            "Imports take URLs without . or .. path segments or encoded slashes, plain or"
                + " percent-encoded, not '"
                + uri
                + "'");
      }
      segments.add(segment);
    }
    return segments;
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }
}
