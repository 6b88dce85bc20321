package io.veneer.agent.images;

import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.CachedImage;
import io.veneer.grpc.TraceParent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The host's golden images (and kernels, initrds): each blob fetched once by digest from the golden
 * image service, resumed with HTTP Range after a cut, verified against its sha256, renamed into
 * place atomically and made read-only. Least recently used blobs that nothing needs are evicted
 * when the cache outgrows its limit.
 *
 * <pre>
 * &lt;data&gt;/images/&lt;hex&gt;        a verified, read-only blob
 * &lt;data&gt;/images/&lt;hex&gt;.part   a download in progress (or cut), resumed from its length
 * </pre>
 */
public final class ImageCache {

  private static final Logger log = Logger.getLogger(ImageCache.class.getName());
  private static final int ATTEMPTS = 5;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Path blobs;
  private final long maxBytes;
  private final BlobSource source;
  private final Set<String> fetching = ConcurrentHashMap.newKeySet();

  public ImageCache(Path dataDir, long maxBytes, BlobSource source) throws IOException {
    this.blobs = dataDir.resolve("images");
    this.maxBytes = maxBytes;
    this.source = source;
    Files.createDirectories(blobs);
  }

  /** The path of a cached blob, if the cache holds it; marks it recently used. */
  public Optional<Path> cached(String digest) throws IOException {
    Path path = blobs.resolve(hex(digest));
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    // Coarse on purpose: the converger asks every second for every desktop's images.
    Instant now = Instant.now();
    if (modified(path).toInstant().isBefore(now.minus(TOUCH_EVERY))) {
      Files.setLastModifiedTime(path, FileTime.from(now));
    }
    return Optional.of(path);
  }

  /**
   * The path of a cached blob, fetching it first when needed (blocking: not on the agent loop).
   *
   * @param trace the trace of the request that needs the blob, sent on with the fetch so that the
   *     golden image service logs it under the same trace id
   */
  public Path ensure(BlobRef blob, Optional<TraceParent> trace) throws IOException {
    Optional<Path> cached = cached(blob.getDigest());
    if (cached.isPresent()) {
      return cached.get();
    }
    String hex = hex(blob.getDigest());
    if (!fetching.add(hex)) {
      throw new IOException("Blob " + blob.getDigest() + " is being fetched already");
    }
    try {
      return fetch(blob, hex, trace);
    } finally {
      fetching.remove(hex);
    }
  }

  private Path fetch(BlobRef blob, String hex, Optional<TraceParent> trace) throws IOException {
    URI url = source.locate(blob);
    Path partial = blobs.resolve(hex + ".part");
    for (int attempt = 1; ; attempt++) {
      try {
        download(url, partial, trace);
        break;
      } catch (RefusedException e) {
        throw new IOException("Cannot fetch " + blob.getDigest() + ": " + e.getMessage(), e);
      } catch (IOException e) {
        log.warning(
            "event=blob-fetch-interrupted digest="
                + blob.getDigest()
                + " url="
                + url
                + " attempt="
                + attempt
                + " have="
                + size(partial)
                + " reason=\""
                + e
                + "\"");
        if (attempt == ATTEMPTS) {
          throw new IOException(
              "Cannot fetch "
                  + blob.getDigest()
                  + " from "
                  + url
                  + " after "
                  + ATTEMPTS
                  + " attempts: "
                  + e,
              e);
        }
        pause(Duration.ofMillis(250L * attempt));
      }
    }
    String actual = sha256(partial);
    if (!actual.equals(hex)) {
      Files.deleteIfExists(partial);
      throw new IOException(
          "The bytes fetched for "
              + blob.getDigest()
              + " from "
              + url
              + " have digest sha256:"
              + actual
              + "; discarded them");
    }
    Path target = blobs.resolve(hex);
    publish(partial, target);
    log.info(
        "event=blob-cached digest="
            + blob.getDigest()
            + " bytes="
            + Files.size(target)
            + " trace="
            + trace.map(TraceParent::traceId).orElse("-"));
    return target;
  }

  /**
   * Appends to what an earlier attempt left, asking only for the rest with Range. Every read is
   * bounded by the read timeout, so a server that stalls costs an attempt, never the agent.
   */
  private void download(URI url, Path partial, Optional<TraceParent> trace) throws IOException {
    long have = size(partial);
    HttpURLConnection http = (HttpURLConnection) url.toURL().openConnection();
    try {
      http.setConnectTimeout((int) source.connectTimeout().toMillis());
      http.setReadTimeout((int) source.readTimeout().toMillis());
      http.setInstanceFollowRedirects(false);
      http.setUseCaches(false);
      source.authorization(url).ifPresent(value -> http.setRequestProperty("Authorization", value));
      trace.ifPresent(parent -> http.setRequestProperty("traceparent", parent.toString()));
      if (have > 0) {
        http.setRequestProperty("Range", "bytes=" + have + "-");
      }
      int status = http.getResponseCode();
      if (status == 416 && have > 0) {
        // Everything was fetched before the cut; the digest check decides whether it is right.
        return;
      }
      boolean resumed = status == 206 && resumesAt(http.getHeaderField("Content-Range"), have);
      if (status != 200 && !resumed) {
        throw refusal(url, status);
      }
      try (InputStream in = http.getInputStream();
          OutputStream out =
              Files.newOutputStream(
                  partial,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
        in.transferTo(out);
      }
    } finally {
      http.disconnect();
    }
  }

  private static boolean resumesAt(String contentRange, long have) {
    return contentRange != null && contentRange.matches("bytes " + have + "-\\d+/(\\d+|\\*)");
  }

  private static IOException refusal(URI url, int status) {
    return switch (status) {
      case 401, 403 ->
          new RefusedException(
              "the golden image service refused the agent (HTTP "
                  + status
                  + "): set VENEER_IMAGE_SERVICE_TOKEN to its veneer.images.agent-token");
      case 404 -> new RefusedException("HTTP 404: " + url + " has no such blob");
      case 206 -> new IOException("HTTP 206 for a range the agent did not ask for");
      default ->
          status >= 400 && status < 500 && status != 408 && status != 429
              ? new RefusedException("HTTP " + status + " from " + url)
              : new IOException("HTTP " + status + " from " + url);
    };
  }

  /** A refusal that asking again will not change. */
  private static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Evicts least recently used blobs outside {@code keep} until the cache fits its limit. Only a
   * caller who knows everything the host needs may call it (see {@code ImageEviction}).
   */
  public List<String> evict(Set<String> keep) throws IOException {
    List<Path> files = blobFiles();
    long total = 0;
    for (Path file : files) {
      total += size(file);
    }
    List<String> evicted = new ArrayList<>();
    List<Path> oldestFirst =
        files.stream().sorted(Comparator.comparing(ImageCache::modified)).toList();
    for (Path file : oldestFirst) {
      if (total <= maxBytes) {
        break;
      }
      String digest = "sha256:" + file.getFileName();
      if (keep.contains(digest)) {
        continue;
      }
      total -= size(file);
      Files.delete(file);
      evicted.add(digest);
      log.info("event=blob-evicted digest=" + digest + " cacheBytes=" + total);
    }
    return evicted;
  }

  /** The digest of a file when it is one of this cache's blobs. */
  public Optional<String> digestOf(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!blobs.toAbsolutePath().normalize().equals(absolute.getParent())) {
      return Optional.empty();
    }
    String name = absolute.getFileName().toString();
    return name.matches("[0-9a-f]{64}") ? Optional.of("sha256:" + name) : Optional.empty();
  }

  /** What the cache holds, for the Hello. */
  public List<CachedImage> contents() throws IOException {
    return blobFiles().stream().map(ImageCache::describe).toList();
  }

  /** How a cached blob is reported to the control plane. */
  public static CachedImage describe(Path blob) {
    return CachedImage.newBuilder()
        .setDigest("sha256:" + blob.getFileName())
        .setSizeBytes(size(blob))
        .build();
  }

  /** Puts a local file into the cache under its digest (seeding a host, or tests). */
  public String seed(Path file) throws IOException {
    String hex = sha256(file);
    Path target = blobs.resolve(hex);
    if (!Files.exists(target)) {
      Path partial = blobs.resolve(hex + ".part");
      Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
      publish(partial, target);
    }
    return "sha256:" + hex;
  }

  /**
   * Read-only first, then one rename: a blob under its final name is complete and never written.
   */
  private static void publish(Path partial, Path target) throws IOException {
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private List<Path> blobFiles() throws IOException {
    try (Stream<Path> list = Files.list(blobs)) {
      return list.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).toList();
    }
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(String digest) throws IOException {
    String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IOException("'" + digest + "' is not a sha256 digest (sha256:<64 hex digits>)");
    }
    return hex;
  }

  private static void pause(Duration duration) throws IOException {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while fetching", e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      return FileTime.from(Instant.EPOCH);
    }
  }
}
