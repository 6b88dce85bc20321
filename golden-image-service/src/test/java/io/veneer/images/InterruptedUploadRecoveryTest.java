package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.ImageVersion;
import io.veneer.images.catalogue.VersionKind;
import io.veneer.images.catalogue.VersionState;
import io.veneer.images.upload.Housekeeping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A service killed mid-upload leaves a version in UPLOADING or VERIFYING, a temp file and perhaps a
 * blob no version names. What runs at the next start must leave none of them usable or lying
 * around.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InterruptedUploadRecoveryTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(InterruptedUploadRecoveryTest.class, registry);
  }

  @LocalServerPort int port;
  @Autowired ImageCatalogue catalogue;
  @Autowired BlobStore blobs;
  @Autowired Housekeeping housekeeping;
  @TempDir Path dir;

  @Test
  void restartRejectsHalfUploadedVersionsAndGarbageCollectsOrphanBlobs() throws Exception {
    ServiceUnderTest service = new ServiceUnderTest(port);
    UUID image = service.createImage("interrupted");
    String kept =
        ServiceUnderTest.json(service.upload(image, TestImages.raw(dir), "").body())
            .path("digest")
            .asString();
    ImageVersion uploading = catalogue.newVersion(image, VersionKind.DISK);
    ImageVersion verifying = catalogue.newVersion(image, VersionKind.DISK);
    catalogue.startVerifying(verifying.id(), 4096);
    Path halfUpload = blobs.newTempFile("upload-" + uploading.id());
    Files.write(halfUpload, new byte[4096]);
    Digest orphan = new Digest("ab".repeat(32));
    Path orphanTemp = blobs.newTempFile("orphan");
    Files.write(orphanTemp, new byte[] {1, 2, 3});
    Path orphanBlob =
        blobs.put(orphanTemp, orphan) == orphan ? blobs.find(orphan).orElseThrow() : null;
    Files.setLastModifiedTime(orphanBlob, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));

    housekeeping.run(null);
    int collected = housekeeping.collectGarbage();

    assertThat(catalogue.version(image, uploading.id()).state()).isEqualTo(VersionState.REJECTED);
    assertThat(catalogue.version(image, verifying.id()).state()).isEqualTo(VersionState.REJECTED);
    assertThat(catalogue.version(image, uploading.id()).rejectionReason())
        .contains("interrupted by a restart")
        .contains("upload the image again");
    assertThat(halfUpload).doesNotExist();
    assertThat(collected).isEqualTo(1);
    assertThat(blobs.find(orphan)).isEmpty();
    assertThat(blobs.find(Digest.parse(kept))).isPresent();
  }
}
