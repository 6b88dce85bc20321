package io.veneer.localstack;

import io.veneer.localstack.api.ApiException;
import io.veneer.localstack.api.ControlPlaneApi;
import io.veneer.localstack.api.ImagesApi;
import io.veneer.localstack.api.PublishedImage;
import io.veneer.localstack.auth.DemoUser;
import io.veneer.localstack.parts.TinyGolden;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What {@code up} creates through the public APIs, as an operator would: the tiny golden image
 * imported and published, the two local hosts with their agent tokens, and the demo pool. Each step
 * reuses what an earlier run created.
 */
final class DemoSetup {

  static final String IMAGE_NAME = "tiny-golden";
  static final String POOL_NAME = "demo";
  static final int WARM_DESKTOPS = 2;
  static final String ENTITLED_GROUP = "engineering";

  /** What each local host offers; the agents announce the same in their Hello. */
  static final int HOST_VCPUS = 2;

  static final long HOST_MEMORY_MIB = 2048;
  static final long HOST_DISK_GIB = 20;

  /** A desktop of the demo pool: the tiny guest needs little. */
  static final Map<String, Object> DESKTOP_SIZE =
      Map.of("vcpus", 1, "memoryMib", 256, "diskGib", 1);

  /**
   * QEMU boots the tiny image's uncompressed kernel (vmlinux) and initrd directly: under TCG it
   * reaches its ready line in about half the time of a BIOS boot from its disk, which spends most
   * of it decompressing the kernel. With a display: the browser console shows its screen.
   */
  static final Map<String, Object> TINY_HARDWARE =
      Map.of(
          "machine",
          "q35",
          "firmware",
          "bios",
          "vcpus",
          1,
          "memoryMib",
          256,
          "bootMode",
          "direct-kernel",
          "kernelCmdline",
          "quiet",
          "display",
          true);

  private final ControlPlaneApi controlPlane;

  DemoSetup(ControlPlaneApi controlPlane) {
    this.controlPlane = controlPlane;
  }

  /** Through the images API's own token: needs no Keycloak, so it runs while Keycloak starts. */
  static PublishedImage publish(ImagesApi images, TinyGolden golden)
      throws ApiException, IOException {
    return images.ensurePublished(
        IMAGE_NAME,
        "Tiny bootable guest: prints VENEER GUEST READY on its serial console (local stack demo)",
        TINY_HARDWARE,
        golden.disk(),
        golden.vmlinux(),
        golden.initrd());
  }

  /** Creates the host, or updates an earlier run's registration (its agent token stays). */
  void registerHost(List<String> hostIds, String hostId) throws ApiException {
    controlPlane.registerHost(
        hostId, HOST_VCPUS, HOST_MEMORY_MIB, HOST_DISK_GIB, zone(hostIds.indexOf(hostId)));
  }

  /** Hosts sit in zones of their own, so that spreading has something to spread over. */
  static String zone(int hostIndex) {
    return "local-" + (char) ('a' + hostIndex);
  }

  /** The demo pool's id, and whether this run created it. */
  record DemoPool(String id, boolean created) {}

  DemoPool ensurePool(PublishedImage image) throws ApiException {
    Optional<String> existing = controlPlane.poolNamed(POOL_NAME);
    if (existing.isPresent()) {
      return new DemoPool(existing.get(), false);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", POOL_NAME);
    spec.put("kind", "POOLED");
    spec.put("goldenImage", image.imageName());
    // Named by id without its digest: the control plane looks the version up, with its kernel.
    spec.put("goldenVersion", image.versionId());
    spec.put("size", DESKTOP_SIZE);
    // Named, since an earlier run's image may ask for other hardware (images do not change).
    spec.put(
        "hardware",
        Map.of(
            "machine",
            TINY_HARDWARE.get("machine"),
            "firmware",
            TINY_HARDWARE.get("firmware"),
            "bootMode",
            TINY_HARDWARE.get("bootMode"),
            "display",
            TINY_HARDWARE.get("display")));
    spec.put("minSize", WARM_DESKTOPS);
    spec.put("maxSize", WARM_DESKTOPS);
    spec.put("warmSpares", WARM_DESKTOPS);
    spec.put("maxConcurrentRefresh", 1);
    // alice through her group (read from Keycloak by the control plane), bob by his user id.
    spec.put("entitledUsers", List.of(DemoUser.BOB.id()));
    spec.put("entitledGroups", List.of(ENTITLED_GROUP));
    return new DemoPool(
        controlPlane.createPool(spec, "veneer-local-demo-pool-" + image.versionId()), true);
  }

  /** What became of the pool's warm desktops. */
  record WarmDesktops(List<JsonNode> desktops, boolean controllerSeen) {

    long running() {
      return desktops.stream().filter(d -> d.path("state").asString().equals("RUNNING")).count();
    }
  }

  /**
   * Waits for the pool's warm desktops to run. A control plane without a pool controller never
   * creates them: when none appears within {@code appearWithin}, that is reported, not faked.
   */
  WarmDesktops awaitWarmDesktops(String poolId, Duration appearWithin, Duration runWithin)
      throws ApiException, InterruptedException {
    long begin = System.nanoTime();
    List<JsonNode> desktops = controlPlane.desktopsOf(poolId);
    while (true) {
      Duration waited = Duration.ofNanos(System.nanoTime() - begin);
      if (desktops.isEmpty() && waited.compareTo(appearWithin) > 0) {
        return new WarmDesktops(desktops, false);
      }
      WarmDesktops now = new WarmDesktops(desktops, !desktops.isEmpty());
      boolean settled =
          now.running() >= WARM_DESKTOPS
              || desktops.stream().anyMatch(d -> d.path("state").asString().equals("FAILED"));
      if (settled || waited.compareTo(runWithin) > 0) {
        return now;
      }
      Thread.sleep(1000);
      desktops = controlPlane.desktopsOf(poolId);
    }
  }
}
