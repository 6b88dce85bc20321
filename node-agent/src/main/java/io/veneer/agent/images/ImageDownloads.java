package io.veneer.agent.images;

import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.CachedImage;
import io.veneer.grpc.TraceParent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Fetches blobs into the {@link ImageCache} on a thread of their own, so that the agent's loop
 * (convergence, status reports, heartbeats) never waits on the network: fetching a 4 GiB golden
 * image must not look like a dead host to the control plane. One download at a time, so a host
 * pulling several images shares its link instead of splitting it.
 */
public final class ImageDownloads implements AutoCloseable {

  private static final Logger log = Logger.getLogger(ImageDownloads.class.getName());

  /** Whether a blob can be used now. */
  public sealed interface Availability {
    record Ready(Path path) implements Availability {}

    record Fetching() implements Availability {}

    record Failed(String reason) implements Availability {}
  }

  private record Failure(String reason, Instant at) {}

  private final ImageCache cache;
  private final Clock clock;
  private final Duration retryAfter;
  private final Consumer<CachedImage> onCached;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("image-downloads").daemon().unstarted(r));

  /**
   * @param retryAfter how long a failed fetch is reported as failed before it is tried again
   * @param onCached told about every blob fetched, on the download thread
   */
  public ImageDownloads(
      ImageCache cache, Clock clock, Duration retryAfter, Consumer<CachedImage> onCached) {
    this.cache = cache;
    this.clock = clock;
    this.retryAfter = retryAfter;
    this.onCached = onCached;
  }

  public ImageCache cache() {
    return cache;
  }

  /**
   * Whether the blob is cached; starts fetching it in the background when it is not.
   *
   * @param trace the trace of the desktop request that needs it (empty for a prefetch)
   */
  public Availability request(BlobRef blob, Optional<TraceParent> trace) {
    String digest = blob.getDigest();
    Optional<Path> cached;
    try {
      cached = cache.cached(digest);
    } catch (IOException e) {
      return new Availability.Failed(e.getMessage());
    }
    if (cached.isPresent()) {
      failures.remove(digest);
      return new Availability.Ready(cached.get());
    }
    if (inFlight.contains(digest)) {
      return new Availability.Fetching();
    }
    Failure failure = failures.get(digest);
    if (failure != null && clock.instant().isBefore(failure.at().plus(retryAfter))) {
      return new Availability.Failed(failure.reason());
    }
    inFlight.add(digest);
    worker.execute(() -> fetch(blob, trace));
    return new Availability.Fetching();
  }

  private void fetch(BlobRef blob, Optional<TraceParent> trace) {
    Path path;
    try {
      path = cache.ensure(blob, trace);
      failures.remove(blob.getDigest());
    } catch (IOException | RuntimeException e) {
      failures.put(blob.getDigest(), new Failure(e.getMessage(), clock.instant()));
      log.warning(
          "event=blob-fetch-failed digest="
              + blob.getDigest()
              + " retryInSeconds="
              + retryAfter.toSeconds()
              + " reason=\""
              + e.getMessage()
              + "\"");
      return;
    } finally {
      inFlight.remove(blob.getDigest());
    }
    onCached.accept(ImageCache.describe(path));
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
