package io.veneer.agent.converge;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.BootSource;
import io.veneer.agent.hypervisor.GuestSpec;
import io.veneer.agent.hypervisor.ImageRef;
import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.HardwareProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A desired desktop becomes the drivers' GuestSpec with its golden blob in the right role. */
class GuestSpecsTest {

  @TempDir Path data;

  @Test
  void aSharedRootDesktopBootsItsGoldenBlobAsARootFilesystem() throws Exception {
    ImageCache cache = new ImageCache(data, 1L << 30, BlobSource.fetchUrlsOnly(""));
    Path tar = Files.write(data.resolve("rootfs.tar"), new byte[] {1, 2, 3});
    String digest = cache.seed(tar);
    GuestSpecs specs =
        new GuestSpecs(
            new ImageDownloads(cache, Clock.systemUTC(), Duration.ofSeconds(1), c -> {}));

    GuestSpec sharedRoot =
        specs.resolve(desktop(digest, BootMode.BOOT_MODE_SHARED_ROOT)).orElseThrow();
    GuestSpec disk = specs.resolve(desktop(digest, BootMode.BOOT_MODE_DISK)).orElseThrow();

    assertThat(sharedRoot.boot()).isInstanceOf(BootSource.SharedRoot.class);
    assertThat(sharedRoot.image().kind()).isEqualTo(ImageRef.Kind.ROOTFS_TAR);
    assertThat(sharedRoot.image().digest()).isEqualTo(digest);
    assertThat(disk.boot()).isInstanceOf(BootSource.DiskImage.class);
    assertThat(disk.image().kind()).isEqualTo(ImageRef.Kind.DISK_QCOW2);
  }

  private static DesiredDesktop desktop(String digest, BootMode boot) {
    return DesiredDesktop.newBuilder()
        .setDesktopId("d-" + boot.getNumber())
        .setGoldenImage(BlobRef.newBuilder().setDigest(digest))
        .setHardware(HardwareProfile.newBuilder().setBootMode(boot))
        .build();
  }
}
