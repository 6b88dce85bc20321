package io.veneer.images.upload;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Recovery at start and blob garbage collection. Blobs are reference-counted by the catalogue
 * itself: a blob is in use while some version that is not deleted or rejected names its digest.
 * This assumes one service instance per blob directory.
 */
@Component
public class Housekeeping implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

  /** A blob younger than this may belong to a verification that has not committed yet. */
  static final Duration GRACE = Duration.ofMinutes(10);

  private final ImageCatalogue catalogue;
  private final BlobStore blobs;
  private final Clock clock;
  private final UploadService uploads;

  public Housekeeping(
      ImageCatalogue catalogue, BlobStore blobs, Clock clock, UploadService uploads) {
    this.catalogue = catalogue;
    this.blobs = blobs;
    this.clock = clock;
    this.uploads = uploads;
  }

  @Override
  public void run(ApplicationArguments args) throws IOException {
    int interrupted = catalogue.rejectInterrupted();
    int temps = blobs.clearTemp();
    if (interrupted > 0 || temps > 0) {
      log.warn("event=recovered-interrupted-uploads versions={} tempFiles={}", interrupted, temps);
    }
  }

  /** Deletes blobs no version uses; returns how many. */
  @Scheduled(
      fixedDelayString = "${veneer.images.gc-interval:1h}",
      initialDelayString = "${veneer.images.gc-interval:1h}")
  public int collectGarbage() throws IOException {
    int abandoned = uploads.expireAbandoned(clock.instant());
    if (abandoned > 0) {
      log.info("event=abandoned-uploads-rejected versions={}", abandoned);
    }
    Set<String> referenced = new HashSet<>(catalogue.referencedDigests());
    int deleted = 0;
    for (Digest digest : blobs.all()) {
      if (referenced.contains(digest.toString()) || isYoung(digest)) {
        continue;
      }
      blobs.delete(digest);
      deleted++;
      log.info("event=blob-collected digest={}", digest);
    }
    return deleted;
  }

  private boolean isYoung(Digest digest) throws IOException {
    Path path = blobs.find(digest).orElse(null);
    return path != null
        && Files.getLastModifiedTime(path).toInstant().isAfter(clock.instant().minus(GRACE));
  }
}
