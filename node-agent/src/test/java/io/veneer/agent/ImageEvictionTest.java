package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.converge.Converger;
import io.veneer.agent.converge.ImageEviction;
import io.veneer.agent.hypervisor.qemu.GuestEgress;
import io.veneer.agent.hypervisor.qemu.QemuHypervisor;
import io.veneer.agent.images.BlobSource;
import io.veneer.agent.images.ImageCache;
import io.veneer.agent.images.ImageDownloads;
import io.veneer.agent.v1.BlobRef;
import io.veneer.agent.v1.BootMode;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.Capacity;
import io.veneer.agent.v1.DesiredDesktop;
import io.veneer.agent.v1.HardwareProfile;
import io.veneer.agent.v1.PowerState;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eviction never takes an image the host needs. The cache's limit is one byte, so everything it may
 * evict, it does. Real qcow2 overlays (qemu-img; no guest is started).
 */
@NeedsHost(HostTool.QEMU)
class ImageEvictionTest {

  @TempDir Path data;
  @TempDir Path sources;
  private ImageCache cache;
  private Converger converger;
  private ImageEviction eviction;
  private String oldGolden;
  private String newGolden;
  private String unused;

  @BeforeEach
  void host() throws Exception {
    QemuHypervisor qemu =
        new QemuHypervisor(data, "qemu-system-x86_64", "qemu-img", "", GuestEgress.NONE);
    cache = new ImageCache(data, 1, BlobSource.fetchUrlsOnly(""));
    converger =
        new Converger(
            qemu,
            new ImageDownloads(cache, Clock.systemUTC(), Duration.ofSeconds(30), cached -> {}),
            status -> {},
            data,
            Duration.ofSeconds(1),
            Clock.systemUTC());
    eviction = new ImageEviction(converger, qemu, cache);
    oldGolden = cache.seed(qcow2("old.qcow2", "1M"));
    newGolden = cache.seed(qcow2("new.qcow2", "2M"));
    unused = cache.seed(qcow2("unused.qcow2", "3M"));
  }

  @Test
  void evictsNothingUntilTheFullDesiredSetHasArrived() throws Exception {
    converger.convergeOnce();

    assertThat(eviction.run()).as("after a restart, before the desired set").isEmpty();
    assertThat(cached()).containsExactlyInAnyOrder(oldGolden, newGolden, unused);

    converger.applyDesiredSet(List.of(stopped("d1", 1, oldGolden, 1)));
    converger.convergeOnce();

    assertThat(eviction.run()).containsExactlyInAnyOrder(newGolden, unused);
    assertThat(cached()).containsExactly(oldGolden);
  }

  @Test
  void neverEvictsTheGoldenImageBehindAStoppedDesktopsOverlayUntilItIsRefreshed() throws Exception {
    converger.applyDesiredSet(List.of(stopped("d1", 1, oldGolden, 1)));
    converger.convergeOnce();
    // The pool rolled to the new golden; the stopped desktop moves onto it at its next refresh.
    converger.upsert(stopped("d1", 2, newGolden, 1));
    converger.convergeOnce();

    assertThat(eviction.run()).containsExactly(unused);
    assertThat(cached()).containsExactlyInAnyOrder(oldGolden, newGolden);

    converger.upsert(stopped("d1", 3, newGolden, 2));
    converger.convergeOnce();

    assertThat(eviction.run()).containsExactly(oldGolden);
    assertThat(cached()).containsExactly(newGolden);
  }

  @Test
  void keepsTheGoldenImageOfAnOrphanUntilItsOverlayIsRemoved() throws Exception {
    converger.applyDesiredSet(List.of(stopped("d1", 1, oldGolden, 1)));
    converger.convergeOnce();
    converger.applyDesiredSet(List.of());
    // d1 is an orphan now, removed on the next pass; until then its overlay is oldGolden's.

    assertThat(eviction.run()).containsExactlyInAnyOrder(newGolden, unused);

    converger.convergeOnce();
    assertThat(eviction.run()).containsExactly(oldGolden);
  }

  private List<String> cached() throws IOException {
    return cache.contents().stream().map(CachedImage::getDigest).toList();
  }

  private static DesiredDesktop stopped(
      String id, long specGeneration, String golden, long osDiskGeneration) {
    return DesiredDesktop.newBuilder()
        .setDesktopId(id)
        .setSpecGeneration(specGeneration)
        .setOsDiskGeneration(osDiskGeneration)
        .setPoolId("pool-1")
        .setGoldenImage(BlobRef.newBuilder().setDigest(golden))
        .setSize(Capacity.newBuilder().setVcpus(1).setMemoryMib(96).setDiskGib(1))
        .setHardware(HardwareProfile.newBuilder().setBootMode(BootMode.BOOT_MODE_DISK))
        .setPowerState(PowerState.POWER_STATE_STOPPED)
        .build();
  }

  private Path qcow2(String name, String size) throws Exception {
    Path image = sources.resolve(name);
    Process process =
        new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), size)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("qemu-img create failed: " + output);
    }
    return image;
  }
}
