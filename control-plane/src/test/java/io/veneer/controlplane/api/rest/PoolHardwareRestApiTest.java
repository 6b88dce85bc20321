package io.veneer.controlplane.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTokens;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * REST {@code /api/v1/pools}: the virtual hardware of a pool's desktops, named by the request,
 * taken from the golden image when its version is looked up, or the default; wrong values are 400s.
 */
class PoolHardwareRestApiTest extends ControlPlaneSpringTest {

  private static final String DIGEST = "sha256:" + "d".repeat(64);

  @Autowired JdbcTemplate jdbc;

  private RestClientForTests rest;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String admin = TestTokens.admin("admin-" + run);

  @BeforeEach
  void aClient() {
    rest = new RestClientForTests(port);
  }

  /** A pool's JSON: a digest (or none, to look the version up) and hardware (or none). */
  private static String poolJson(
      String name, String goldenVersion, String digest, int maxSize, String hardware) {
    return """
        {"name":"%s","kind":"POOLED","goldenImage":"tiny","goldenVersion":"%s",%s
         "size":{"vcpus":1,"memoryMib":1024,"diskGib":10},
         "minSize":0,"maxSize":%d,"warmSpares":0,"maxConcurrentRefresh":1,
         "entitledUsers":[],"entitledGroups":[]%s}
        """
        .formatted(
            name,
            goldenVersion,
            digest == null ? "" : "\"goldenDigest\":\"" + digest + "\",",
            maxSize,
            hardware == null ? "" : ",\"hardware\":" + hardware);
  }

  private JsonNode created(String json) {
    RestClientForTests.Response created = rest.post("/api/v1/pools", admin, json);
    assertThat(created.status()).as("%s", created.body()).isEqualTo(201);
    return created.body();
  }

  private static Map<String, Object> hardwareOf(JsonNode pool) {
    JsonNode hardware = pool.get("spec").get("hardware");
    return Map.of(
        "machine", hardware.get("machine").asString(),
        "firmware", hardware.get("firmware").asString(),
        "bootMode", hardware.get("bootMode").asString(),
        "display", hardware.get("display").asBoolean());
  }

  private static Map<String, Object> hardware(
      String machine, String firmware, String bootMode, boolean display) {
    return Map.of(
        "machine", machine, "firmware", firmware, "bootMode", bootMode, "display", display);
  }

  @Test
  void aPoolThatNamesNoHardwareGetsQ35BiosDiskWithoutADisplay() {
    JsonNode pool = created(poolJson("plain-" + run, "v1", DIGEST, 5, null));

    assertThat(hardwareOf(pool)).isEqualTo(hardware("q35", "bios", "disk", false));
  }

  @Test
  void aPoolCreatedWithHardwareShowsItAndAnUpdateWithoutHardwareKeepsIt() {
    String json =
        poolJson(
            "console-" + run,
            "v1",
            DIGEST,
            5,
            """
            {"machine":"q35","firmware":"uefi","bootMode":"disk","display":true}""");
    String id = created(json).get("id").asString();

    RestClientForTests.Response updated =
        rest.put("/api/v1/pools/" + id, admin, poolJson("console-" + run, "v1", DIGEST, 7, null));

    assertThat(updated.status()).as("%s", updated.body()).isEqualTo(200);
    assertThat(updated.body().get("spec").get("maxSize").asInt()).isEqualTo(7);
    assertThat(hardwareOf(updated.body())).isEqualTo(hardware("q35", "uefi", "disk", true));
    assertThat(hardwareOf(rest.get("/api/v1/pools/" + id, admin).body()))
        .isEqualTo(hardware("q35", "uefi", "disk", true));
    assertThat(
            jdbc.queryForMap(
                "SELECT machine, firmware, boot_mode, display FROM pool WHERE id = ?::uuid", id))
        .containsEntry("machine", "q35")
        .containsEntry("firmware", "uefi")
        .containsEntry("boot_mode", "disk")
        .containsEntry("display", true);
  }

  @Test
  void hardwareFieldsLeftOutTakeTheirDefaults() {
    JsonNode pool = created(poolJson("partial-" + run, "v1", DIGEST, 5, "{\"display\":true}"));

    assertThat(hardwareOf(pool)).isEqualTo(hardware("q35", "bios", "disk", true));
  }

  @Test
  void aPoolOnALookedUpVersionTakesItsImagesHardwareUnlessItNamesItsOwn() {
    String withConsole =
        GOLDEN_IMAGES.version(
            "desk-" + run,
            DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            HardwareDefaults.newBuilder()
                .setMachine("q35")
                .setFirmware("uefi")
                .setBootMode("disk")
                .setDisplay(true)
                .build());
    String headless =
        GOLDEN_IMAGES.version(
            "server-" + run,
            DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            HardwareDefaults.newBuilder().setMachine("microvm").setBootMode("disk").build());

    JsonNode pool = created(poolJson("looked-up-" + run, withConsole, null, 5, null));
    String path = "/api/v1/pools/" + pool.get("id").asString();
    assertThat(hardwareOf(pool)).isEqualTo(hardware("q35", "uefi", "disk", true));

    // Named hardware wins over the image's, also when the version is looked up again.
    RestClientForTests.Response named =
        rest.put(
            path,
            admin,
            poolJson("looked-up-" + run, withConsole, null, 5, "{\"firmware\":\"bios\"}"));
    assertThat(hardwareOf(named.body())).isEqualTo(hardware("q35", "bios", "disk", false));

    // Rolling to another version without naming hardware takes that image's.
    RestClientForTests.Response rolled =
        rest.put(path, admin, poolJson("looked-up-" + run, headless, null, 5, null));
    assertThat(rolled.status()).as("%s", rolled.body()).isEqualTo(200);
    assertThat(hardwareOf(rolled.body())).isEqualTo(hardware("microvm", "bios", "disk", false));
  }

  @Test
  void wrongHardwareIsA400ThatSaysWhatToChangeAndStoresNothing() {
    Map<String, String> refusals =
        Map.of(
            "{\"machine\":\"microvm\",\"display\":true}",
            "a microvm machine has no display device; use q35 for desktops with a console",
            "{\"machine\":\"pc\"}",
            "hardware.machine must be q35 or microvm, not 'pc'",
            "{\"firmware\":\"efi\"}",
            "hardware.firmware must be bios or uefi, not 'efi'",
            "{\"bootMode\":\"direct-kernel\"}",
            "needs the golden version's kernel: name the version (goldenVersion) without"
                + " goldenDigest",
            "{\"bootMode\":\"network\"}",
            "hardware.bootMode must be disk, direct-kernel or shared-root, not 'network'");

    refusals.forEach(
        (hardware, detail) -> {
          RestClientForTests.Response refused =
              rest.post(
                  "/api/v1/pools", admin, poolJson("wrong-" + run, "v1", DIGEST, 5, hardware));

          assertThat(refused.status()).as(hardware).isEqualTo(400);
          assertThat(refused.contentType()).startsWith("application/problem+json");
          assertThat(refused.body().get("detail").asString()).as(hardware).contains(detail);
        });
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name = ?", Long.class, "wrong-" + run))
        .isZero();
  }

  @Test
  void anUpdateWithWrongHardwareIsA400AndTheHardwareStaysAsItWas() {
    String id =
        created(poolJson("kept-" + run, "v1", DIGEST, 5, "{\"display\":true}"))
            .get("id")
            .asString();

    RestClientForTests.Response refused =
        rest.put(
            "/api/v1/pools/" + id,
            admin,
            poolJson("kept-" + run, "v1", DIGEST, 5, "{\"machine\":\"microvm\",\"display\":true}"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body().get("detail").asString()).contains("microvm machine has no display");
    assertThat(hardwareOf(rest.get("/api/v1/pools/" + id, admin).body()))
        .isEqualTo(hardware("q35", "bios", "disk", true));
  }

  @Test
  void aDirectKernelPoolNeedsAVersionThatCarriesAKernel() {
    HardwareDefaults direct =
        HardwareDefaults.newBuilder()
            .setBootMode("direct-kernel")
            .setKernelCmdline("quiet")
            .build();
    String withoutKernel =
        GOLDEN_IMAGES.version(
            "no-kernel-" + run, DIGEST, ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED, direct);
    String withKernel =
        GOLDEN_IMAGES.version(
            "kernel-" + run,
            DIGEST,
            ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED,
            direct,
            "sha256:" + "e".repeat(64),
            "");

    RestClientForTests.Response refused =
        rest.post("/api/v1/pools", admin, poolJson("direct-" + run, withoutKernel, null, 5, null));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.contentType()).startsWith("application/problem+json");
    assertThat(refused.body().get("detail").asString())
        .contains("hardware.bootMode direct-kernel needs a kernel")
        .contains("golden image version " + withoutKernel + " carries none");
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name = ?", Long.class, "direct-" + run))
        .isZero();

    JsonNode pool = created(poolJson("direct-" + run, withKernel, null, 5, null));
    assertThat(hardwareOf(pool)).isEqualTo(hardware("q35", "bios", "direct-kernel", false));
    assertThat(
            jdbc.queryForObject(
                "SELECT kernel_digest || ' ' || kernel_cmdline FROM pool WHERE name = ?",
                String.class,
                "direct-" + run))
        .isEqualTo("sha256:" + "e".repeat(64) + " quiet");
  }

  @Test
  void aSharedRootPoolTakesARootFilesystemVersionAndNothingElse() {
    String rootfs = GOLDEN_IMAGES.rootFilesystemVersion("rootfs-" + run, DIGEST);
    String disk =
        GOLDEN_IMAGES.version(
            "disk-" + run, DIGEST, ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED);
    String sharedRoot = "{\"bootMode\":\"shared-root\"}";
    Map<String, String> refusals =
        Map.of(
            poolJson("shared-" + run, disk, null, 5, sharedRoot),
            "hardware.bootMode shared-root needs a root-filesystem golden version, and golden"
                + " image version "
                + disk
                + " is a disk",
            poolJson("shared-" + run, rootfs, null, 5, "{\"bootMode\":\"disk\"}"),
            "hardware.bootMode must be shared-root: golden image version "
                + rootfs
                + " is a root filesystem",
            poolJson("shared-" + run, rootfs, DIGEST, 5, sharedRoot),
            "name the version (goldenVersion) without goldenDigest");
    refusals.forEach(
        (json, detail) -> {
          RestClientForTests.Response refused = rest.post("/api/v1/pools", admin, json);
          assertThat(refused.status()).as("%s", refused.body()).isEqualTo(400);
          assertThat(refused.body().get("detail").asString()).contains(detail);
        });
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM pool WHERE name = ?", Long.class, "shared-" + run))
        .isZero();

    JsonNode pool = created(poolJson("shared-" + run, rootfs, null, 5, null));

    assertThat(hardwareOf(pool)).isEqualTo(hardware("q35", "bios", "shared-root", false));
    assertThat(pool.get("spec").get("goldenDigest").asString()).isEqualTo(DIGEST);
  }

  @Test
  void poolsStoredBeforePoolsHadHardwareGetTheDefault() {
    UUID id = UUID.randomUUID();
    // A row as the schema before V7 wrote it: no hardware columns named.
    jdbc.update(
        """
        INSERT INTO pool (id, name, kind, golden_image, golden_version, golden_digest, vcpus,
                          memory_mib, disk_gib, min_size, max_size, warm_spares)
        VALUES (?, ?, 'POOLED', 'tiny', 'v1', ?, 1, 1024, 10, 0, 0, 0)
        """,
        id,
        "older-" + run,
        DIGEST);

    RestClientForTests.Response pool = rest.get("/api/v1/pools/" + id, admin);

    assertThat(pool.status()).isEqualTo(200);
    assertThat(hardwareOf(pool.body())).isEqualTo(hardware("q35", "bios", "disk", false));
  }
}
