package io.veneer.agent.images;

import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.CachedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The host's golden images (and kernels, initrds): each blob fetched once by digest from the golden
 * image service, resumed with HTTP Range after a cut, verified against its sha256, renamed into
 * place atomically and made read-only. Least recently used blobs that no desktop uses are evicted
 * when the cache outgrows its limit.
 */
public final class ImageCache {

  private static final Logger log = Logger.getLogger(ImageCache.class.getName());
  private static final int ATTEMPTS = 5;

  private final Path blobs;
  private final long maxBytes;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Set<String> fetching = ConcurrentHashMap.newKeySet();

  public ImageCache(Path dataDir, long maxBytes, String token) throws IOException {
    this.blobs = dataDir.resolve("images");
    this.maxBytes = maxBytes;
    this.token = token == null ? "" : token;
    Files.createDirectories(blobs);
  }

  /** The path of a cached blob, fetching it first when needed; marks it recently used. */
  public Path ensure(BlobRef blob) throws IOException {
    String hex = hex(blob.getDigest());
    Path path = blobs.resolve(hex);
    if (Files.exists(path)) {
      Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
      return path;
    }
    if (!fetching.add(hex)) {
      throw new IOException("Blob " + blob.getDigest() + " is being fetched already");
    }
    try {
      fetch(blob, hex, path);
      return path;
    } finally {
      fetching.remove(hex);
    }
  }

  private void fetch(BlobRef blob, String hex, Path target) throws IOException {
    Path partial = blobs.resolve(hex + ".part");
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        download(blob, partial);
        last = null;
        break;
      } catch (IOException e) {
        last = e;
        log.warning(
            "event=blob-fetch-interrupted digest="
                + blob.getDigest()
                + " attempt="
                + attempt
                + " have="
                + size(partial)
                + " reason=\""
                + e.getMessage()
                + "\"");
      }
    }
    if (last != null) {
      throw new IOException(
          "Cannot fetch "
              + blob.getDigest()
              + " from "
              + blob.getFetchUrl()
              + ": "
              + last.getMessage(),
          last);
    }
    String actual = sha256(partial);
    if (!actual.equals(hex)) {
      Files.deleteIfExists(partial);
      throw new IOException(
          "The bytes fetched for "
              + blob.getDigest()
              + " have digest sha256:"
              + actual
              + "; discarded them");
    }
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    log.info("event=blob-cached digest=" + blob.getDigest() + " bytes=" + Files.size(target));
  }

  /** Appends to what an earlier attempt left, asking only for the rest with Range. */
  private void download(BlobRef blob, Path partial) throws IOException {
    long have = size(partial);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(blob.getFetchUrl())).GET();
    if (!token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
    boolean resumed = response.statusCode() == 206;
    if (response.statusCode() != 200 && !resumed) {
      response.body().close();
      throw new IOException("HTTP " + response.statusCode());
    }
    try (InputStream in = response.body();
        OutputStream out =
            Files.newOutputStream(
                partial,
                StandardOpenOption.CREATE,
                resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
      in.transferTo(out);
    }
  }

  /** Evicts least recently used blobs outside {@code inUse} until the cache fits its limit. */
  public List<String> evict(Set<String> inUseDigests) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(blobs)) {
      files = list.filter(p -> !p.getFileName().toString().endsWith(".part")).toList();
    }
    long total = 0;
    for (Path file : files) {
      total += Files.size(file);
    }
    List<String> evicted = new ArrayList<>();
    List<Path> oldestFirst =
        files.stream().sorted(Comparator.comparing(ImageCache::modified)).toList();
    for (Path file : oldestFirst) {
      if (total <= maxBytes) {
        break;
      }
      String digest = "sha256:" + file.getFileName();
      if (inUseDigests.contains(digest)) {
        continue;
      }
      total -= Files.size(file);
      Files.delete(file);
      evicted.add(digest);
      log.info("event=blob-evicted digest=" + digest);
    }
    return evicted;
  }

  /** What the cache holds, for the Hello. */
  public List<CachedImage> contents() throws IOException {
    try (Stream<Path> list = Files.list(blobs)) {
      return list.filter(p -> !p.getFileName().toString().endsWith(".part"))
          .map(
              p ->
                  CachedImage.newBuilder()
                      .setDigest("sha256:" + p.getFileName())
                      .setSizeBytes(size(p))
                      .build())
          .toList();
    }
  }

  /** Puts a local file into the cache under its digest (seeding a host, or tests). */
  public String seed(Path file) throws IOException {
    String hex = sha256(file);
    Path target = blobs.resolve(hex);
    if (!Files.exists(target)) {
      Path partial = blobs.resolve(hex + ".part");
      Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("r--r--r--"));
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }
    return "sha256:" + hex;
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 20];
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
      throw new IOException("'" + digest + "' is not a sha256 digest");
    }
    return hex;
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
