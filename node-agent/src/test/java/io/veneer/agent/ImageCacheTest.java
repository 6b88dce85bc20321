package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.CachedImage;
import io.veneer.grpc.TraceParent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The host image cache against an HTTP server that serves Range requests, cuts and stalls. */
class ImageCacheTest {

  private static final Duration SHORT_READ_TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path dir;
  private BlobServer server;
  private byte[] blob;
  private String digest;

  @BeforeEach
  void serve() throws IOException {
    blob = new byte[3 << 20];
    new Random(3).nextBytes(blob);
    digest = "sha256:" + ImageCache.sha256(Files.write(dir.resolve("reference"), blob));
    server = new BlobServer();
    server.serve("/blobs/" + digest, blob);
    server.serve("/api/v1/blobs/" + digest, blob);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void fetchesABlobOnceAndStoresItReadOnlyUnderItsDigest() throws Exception {
    ImageCache cache = cache(BlobSource.fetchUrlsOnly("agent-token"));
    BlobRef ref = byUrl(digest);

    Path cached = cache.ensure(ref, Optional.empty());
    cache.ensure(ref, Optional.empty());

    assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
    assertThat(cached.getFileName()).hasToString(digest.substring(7));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cached)))
        .isEqualTo("r--r--r--");
    assertThat(server.requests).hasSize(1);
    assertThat(server.requests.getFirst().authorization()).isEqualTo("Bearer agent-token");
    assertThat(cache.contents()).extracting(CachedImage::getDigest).containsExactly(digest);
  }

  @Test
  void sendsTheTraceOfTheDesktopRequestThatNeedsTheBlobWithItsFetch() throws Exception {
    ImageCache cache = cache(BlobSource.fetchUrlsOnly(""));
    TraceParent trace =
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").orElseThrow();

    cache.ensure(byUrl(digest), Optional.of(trace));

    assertThat(server.requests)
        .singleElement()
        .extracting(BlobServer.Request::traceparent)
        .isEqualTo(trace.toString());
  }

  @Test
  void resumesADownloadCutMidBodyWithARangeRequestForTheRest() throws Exception {
    server.next(new BlobServer.Trouble.CutAfter(1 << 20));
    ImageCache cache = cache(BlobSource.fetchUrlsOnly(""));

    Path cached = cache.ensure(byUrl(digest), Optional.empty());

    assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
    assertThat(server.requests)
        .extracting(BlobServer.Request::range)
        .containsExactly(null, "bytes=" + (1 << 20) + "-");
    assertThat(filesIn(imagesDir())).containsExactly(digest.substring(7));
  }

  @Test
  void keepsADownloadUnderATemporaryNameUntilItIsCompleteAndVerified() throws Exception {
    server.next(new BlobServer.Trouble.StallAfter(1 << 20, Duration.ofMinutes(5)));
    ImageCache cache = cache(withReadTimeout(SHORT_READ_TIMEOUT));
    CompletableFuture<Path> fetched = fetchInBackground(cache, byUrl(digest));

    Path partial = imagesDir().resolve(digest.substring(7) + ".part");
    awaitSize(partial, 1 << 20);
    assertThat(filesIn(imagesDir())).containsExactly(partial.getFileName().toString());
    assertThat(cache.contents()).isEmpty();

    Path cached = fetched.get();
    assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
    assertThat(filesIn(imagesDir())).containsExactly(digest.substring(7));
    assertThat(server.requests)
        .as("the stalled response timed out and the rest was asked for with Range")
        .extracting(BlobServer.Request::range)
        .containsExactly(null, "bytes=" + (1 << 20) + "-");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES) // a guard against hanging, not a measurement
  void aServerThatNeverAnswersFailsTheFetchWithinItsTimeoutsInsteadOfHanging() throws Exception {
    server.always(new BlobServer.Trouble.NeverAnswer());
    ImageCache cache = cache(withReadTimeout(SHORT_READ_TIMEOUT));

    assertThatThrownBy(() -> cache.ensure(byUrl(digest), Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("after 5 attempts")
        .hasMessageContaining("timed out");

    assertThat(server.requests).hasSize(5);
    assertThat(cache.contents()).isEmpty();
  }

  @Test
  void refusesBytesWhoseDigestDoesNotMatchAndKeepsNoneOfThem() throws Exception {
    String wrong = "sha256:" + "1".repeat(64);
    server.serve("/blobs/" + wrong, blob);
    ImageCache cache = cache(BlobSource.fetchUrlsOnly(""));

    assertThatThrownBy(() -> cache.ensure(byUrl(wrong), Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("have digest " + digest)
        .hasMessageContaining("discarded them");

    assertThat(cache.contents()).isEmpty();
    assertThat(filesIn(imagesDir())).isEmpty();
  }

  @Test
  void fetchesABlobWithoutAUrlFromTheImageServiceByDigestWithItsToken() throws Exception {
    server.requireToken("images-agent-token");
    ImageCache cache = cache(imageService(server.url(), "images-agent-token"));

    Path cached = cache.ensure(BlobRef.newBuilder().setDigest(digest).build(), Optional.empty());

    assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
    assertThat(server.requests)
        .containsExactly(
            new BlobServer.Request(
                "/api/v1/blobs/" + digest, null, "Bearer images-agent-token", null));
  }

  @Test
  void keepsTheImageServicePathPrefixAndResolvesRelativeFetchUrls() throws Exception {
    server.serve("/images/api/v1/blobs/" + digest, blob);
    ImageCache cache = cache(imageService(server.url() + "/images", ""));

    cache.ensure(BlobRef.newBuilder().setDigest(digest).build(), Optional.empty());
    Files.delete(imagesDir().resolve(digest.substring(7)));
    cache.ensure(
        BlobRef.newBuilder().setDigest(digest).setFetchUrl("/blobs/" + digest).build(),
        Optional.empty());

    assertThat(server.requests)
        .extracting(BlobServer.Request::path)
        .containsExactly("/images/api/v1/blobs/" + digest, "/blobs/" + digest);
  }

  @Test
  void sendsTheImageServiceTokenToNoOtherOrigin() throws Exception {
    ImageCache cache = cache(imageService(server.url(), "images-agent-token"));

    cache.ensure(
        BlobRef.newBuilder()
            .setDigest(digest)
            .setFetchUrl("http://localhost:" + server.port() + "/blobs/" + digest)
            .build(),
        Optional.empty());

    assertThat(server.requests)
        .singleElement()
        .extracting(BlobServer.Request::authorization)
        .isNull();
  }

  @Test
  void aRefusedTokenFailsAtOnceNamingTheSettingToFix() throws Exception {
    server.requireToken("the-right-token");
    ImageCache cache = cache(imageService(server.url(), "a-wrong-token"));

    assertThatThrownBy(
            () -> cache.ensure(BlobRef.newBuilder().setDigest(digest).build(), Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("VENEER_IMAGE_SERVICE_TOKEN");
    assertThat(server.requests).as("no retries for a refusal").hasSize(1);
  }

  @Test
  void aBlobWithoutAUrlNeedsTheImageServiceSetting() throws Exception {
    ImageCache cache = cache(BlobSource.fetchUrlsOnly(""));

    assertThatThrownBy(
            () -> cache.ensure(BlobRef.newBuilder().setDigest(digest).build(), Optional.empty()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has no fetch URL and VENEER_IMAGE_SERVICE is not set");
  }

  @Test
  void evictsTheLeastRecentlyUsedBlobsNothingNeedsUntilTheCacheFitsItsSize() throws Exception {
    ImageCache cache = new ImageCache(dir, 2500, BlobSource.fetchUrlsOnly(""));
    String oldest = cache.seed(Files.write(dir.resolve("oldest"), new byte[1000]));
    String needed = cache.seed(Files.write(dir.resolve("needed"), new byte[1001]));
    String recent = cache.seed(Files.write(dir.resolve("recent"), new byte[1002]));
    age(oldest, 300);
    age(needed, 600);

    List<String> evicted = cache.evict(Set.of(needed));

    assertThat(evicted).containsExactly(oldest);
    assertThat(cache.contents())
        .extracting(CachedImage::getDigest)
        .containsExactlyInAnyOrder(needed, recent);
    assertThat(cache.evict(Set.of(needed))).as("within its size now").isEmpty();
  }

  private ImageCache cache(BlobSource source) throws IOException {
    return new ImageCache(dir, 1L << 30, source);
  }

  private static BlobSource withReadTimeout(Duration readTimeout) {
    return new BlobSource(null, "", Duration.ofSeconds(5), readTimeout);
  }

  private static BlobSource imageService(String url, String token) {
    return new BlobSource(URI.create(url), token, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private BlobRef byUrl(String blobDigest) {
    return BlobRef.newBuilder()
        .setDigest(blobDigest)
        .setFetchUrl(server.url() + "/blobs/" + blobDigest)
        .setSizeBytes(blob.length)
        .build();
  }

  private static CompletableFuture<Path> fetchInBackground(ImageCache cache, BlobRef ref) {
    CompletableFuture<Path> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(cache.ensure(ref, Optional.empty()));
              } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  private static void awaitSize(Path file, long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (Files.exists(file) && Files.size(file) >= bytes) {
          return;
        }
      } catch (IOException e) {
        // Renamed meanwhile: the assertion below says so.
      }
      Thread.sleep(10);
    }
    throw new AssertionError(file + " never reached " + bytes + " bytes");
  }

  private Path imagesDir() {
    return dir.resolve("images");
  }

  private static List<String> filesIn(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  private void age(String blobDigest, long seconds) throws IOException {
    Files.setLastModifiedTime(
        imagesDir().resolve(blobDigest.substring(7)),
        FileTime.from(Instant.now().minusSeconds(seconds)));
  }
}
