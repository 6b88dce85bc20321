package io.veneer.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.localstack.api.ImagesApi;
import io.veneer.localstack.api.JsonApi;
import io.veneer.localstack.parts.TinyGolden;
import io.veneer.testsupport.files.TreeDigest;
import io.veneer.testsupport.host.HostTool;
import io.veneer.testsupport.host.NeedsHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * A shared-root desktop (issue #22) through the whole system as {@code ./veneer up} starts it: the
 * tiny golden's shared-root variant ({@code tiny-golden/build-sharedroot.sh}) uploaded to the image
 * service as a root-filesystem version and published, a pool on it (whose boot mode is then
 * shared-root), a desktop alice requests placed on a QEMU agent, which unpacks the tree once and
 * boots a real guest (TCG) from it to its ready line; her writes are gone after logoff, and the
 * host's tree is the same, byte for byte, after both boots as before.
 */
@NeedsHost(HostTool.QEMU)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SharedRootDesktopIT {

  private static final Duration WAIT = Duration.ofSeconds(150);

  private LaunchedStack stack;
  private JsonApi admin;
  private String digest;
  private String poolId;
  private String desktopId;
  private Path desktopDir;
  private Path tree;
  private String treeBefore;

  @BeforeAll
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void up() throws Exception {
    Path repo = Path.of("").toAbsolutePath().getParent();
    Path golden = TinyGolden.defaultDirectory(System.getenv());
    Path state = repo.resolve("local-stack/target/shared-root-it");
    Path buildLog = state.resolveSibling("shared-root-it.build.log");
    Files.deleteIfExists(buildLog);
    TinyGolden.build(
        repo.resolve("node-agent/tiny-golden/build-sharedroot.sh"),
        golden,
        buildLog,
        Duration.ofMinutes(5));
    stack = LaunchedStack.up(repo, state);
    admin = stack.api("admin");
    JsonApi images = stack.imagesApi("admin");
    Path tar = golden.resolve("sharedroot.tar");
    digest = ImagesApi.sha256(tar);
    String imageId =
        images
            .post(
                "/api/v1/images",
                Map.of(
                    "name",
                    "tiny-shared-root",
                    "description",
                    "the tiny golden's shared-root variant",
                    "os",
                    "linux"),
                Map.of())
            .path("id")
            .asString();
    JsonNode version =
        images.postFile(
            "/api/v1/images/" + imageId + "/versions?kind=rootfs&expectedDigest=" + digest, tar);
    assertThat(version.path("state").asString()).as("%s", version).isEqualTo("AVAILABLE");
    assertThat(version.path("digest").asString()).isEqualTo(digest);
    String versionId = version.path("id").asString();
    images.post(
        "/api/v1/images/" + imageId + "/versions/" + versionId + "/publish", Map.of(), Map.of());
    poolId =
        admin
            .post(
                "/api/v1/pools",
                Map.of(
                    "name",
                    "shared-root",
                    "kind",
                    "POOLED",
                    "goldenImage",
                    "tiny-shared-root",
                    // By id, without a digest or hardware: the version's kind gives shared-root.
                    "goldenVersion",
                    versionId,
                    "size",
                    Map.of("vcpus", 1, "memoryMib", 256, "diskGib", 2),
                    // One desktop kept warm: after a logoff it is refreshed, not removed.
                    "minSize",
                    1,
                    "maxSize",
                    1,
                    "warmSpares",
                    1,
                    "maxConcurrentRefresh",
                    1,
                    "entitledGroups",
                    List.of("engineering")),
                Map.of())
            .path("id")
            .asString();
  }

  @AfterAll
  void down() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void thePoolBootsSharedRootOnTheRootFilesystemsDigest() throws Exception {
    JsonNode pool = admin.get("/api/v1/pools/" + poolId);

    assertThat(pool.path("spec").path("hardware").path("bootMode").asString())
        .isEqualTo("shared-root");
    assertThat(pool.path("spec").path("goldenDigest").asString()).isEqualTo(digest);
  }

  @Test
  @Order(2)
  void aRequestedDesktopBootsFromTheSharedTreeToItsReadyLine() throws Exception {
    desktopId =
        stack
            .api("alice")
            .post("/api/v1/desktops", Map.of("poolId", poolId), Map.of())
            .path("id")
            .asString();

    JsonNode running = awaitRunning(desktopId);
    String host = running.path("hostId").asString();
    desktopDir = stack.desktopDir(host, desktopId);
    tree =
        stack
            .layout()
            .agentData(host)
            .resolve("rootfs")
            .resolve(digest.substring("sha256:".length()));
    // RUNNING only once the guest printed its ready line (VENEER_GUEST_READY_LINE).
    assertThat(console())
        .contains("VENEER SHARE READ-ONLY", "VENEER MARKER ABSENT", "VENEER GUEST READY")
        .doesNotContain("VENEER SHARE WRITABLE");
    assertThat(tree.resolve("boot/veneer/vmlinux")).isRegularFile();
    // The guest's init appended to the tree's /etc/veneer-release: only its copy-up changed.
    treeBefore = TreeDigest.of(tree);
    assertThat(Files.readString(tree.resolve("etc/veneer-release")))
        .doesNotContain("changed by a desktop");
  }

  @Test
  @Order(3)
  void afterLogoffHerWritesAreGoneAndTheHostsTreeIsUnchanged() throws Exception {
    JsonNode before = admin.get("/api/v1/desktops/" + desktopId);
    long firstGuest = guestPid().orElseThrow();

    stack.api("alice").post("/api/v1/desktops/" + desktopId + "/logoff", Map.of(), Map.of());

    // A new QEMU process (the console is written anew at each start) on a new disk, ready.
    await(
        "a new guest of the refreshed desktop ready",
        () -> {
          JsonNode now = admin.get("/api/v1/desktops/" + desktopId);
          boolean refreshed =
              now.path("osDiskGeneration").asLong() > before.path("osDiskGeneration").asLong();
          boolean newGuest = guestPid().filter(pid -> pid != firstGuest).isPresent();
          return refreshed
                  && newGuest
                  && now.path("state").asString().equals("RUNNING")
                  && console().contains("VENEER GUEST READY")
              ? now
              : null;
        });
    // The guest's init appends to a marker file at every boot: on the new disk it finds none.
    assertThat(console()).contains("VENEER MARKER ABSENT").doesNotContain("VENEER MARKER PRESENT");
    assertThat(TreeDigest.of(tree)).isEqualTo(treeBefore);
  }

  @Test
  @Order(4)
  void deletingThePoolRemovesTheDesktopAndTheUnpackedTree() throws Exception {
    admin.delete("/api/v1/pools/" + poolId);

    await(
        "the desktop's disk and the unpacked tree gone",
        () -> !Files.exists(desktopDir.resolve("os.qcow2")) && !Files.exists(tree) ? true : null);
    assertThat(LaunchedStack.qemuProcessesOf(desktopId)).isEmpty();
  }

  private JsonNode awaitRunning(String id) throws Exception {
    return await(
        id + " RUNNING",
        () -> {
          JsonNode now = admin.get("/api/v1/desktops/" + id);
          if (now.path("state").asString().equals("FAILED")) {
            throw new AssertionError("desktop " + id + " FAILED: " + now);
          }
          return now.path("state").asString().equals("RUNNING") ? now : null;
        });
  }

  /** The desktop's running QEMU process, from the pidfile QEMU removes when it exits. */
  private Optional<Long> guestPid() throws Exception {
    Path pidfile = desktopDir.resolve("qemu.pid");
    try {
      return Optional.of(Long.parseLong(Files.readString(pidfile).strip()));
    } catch (java.nio.file.NoSuchFileException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private String console() throws Exception {
    Path console = desktopDir.resolve("console.log");
    return Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
  }

  /** Polls until {@code probe} answers something other than null. */
  private static <T> T await(String what, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      T answer = probe.call();
      if (answer != null) {
        return answer;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Waited " + WAIT.toSeconds() + " s for " + what);
      }
      Thread.sleep(500);
    }
  }
}
