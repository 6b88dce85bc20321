package io.veneer.images.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.ServiceUnderTest;
import io.veneer.images.TestImages;
import io.veneer.testsupport.cli.CliRun;
import io.veneer.testsupport.net.CuttingProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The {@code veneer images} commands against the real image service: an upload in pieces with a
 * progress bar that resumes after its connection is dropped, the version verified, published,
 * deprecated and exported.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CliTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(CliTest.class, registry);
  }

  @LocalServerPort int port;
  @TempDir Path dir;

  @Test
  void anUploadWhoseConnectionDropsResumesAndTheVersionIsPublishedAndExported() throws Exception {
    Path disk = TestImages.raw(dir);
    String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(veneer(port, "images", "create", name, "--os", "debian-12").exit()).isZero();

    CliRun uploaded;
    try (CuttingProxy proxy = new CuttingProxy(port, 3L << 20)) {
      uploaded =
          veneer(
              proxy.port(),
              "images",
              "upload",
              disk.toString(),
              "--image",
              name,
              "--chunk-mib",
              "1",
              "--expected-digest",
              "sha256:" + sha256(disk),
              "-o",
              "json");
      assertThat(proxy.hasCut()).isTrue();
    }

    assertThat(uploaded.exit()).as(uploaded.err()).isZero();
    assertThat(uploaded.err())
        .contains("Connection dropped", "resuming at byte", "100%", "8.0/8.0 MiB");
    assertThat(json(uploaded).get("state").asString()).isEqualTo("AVAILABLE");
    assertThat(json(uploaded).get("bytesReceived").asLong()).isEqualTo(Files.size(disk));
    String version = json(uploaded).get("id").asString();

    CliRun published = veneer(port, "images", "publish", name, version, "-o", "json");
    assertThat(json(published).get("state").asString()).isEqualTo("PUBLISHED");

    Path exported = dir.resolve("exported.vmdk");
    CliRun export =
        veneer(
            port, "images", "export", name, version, "--format", "vmdk", "-O", exported.toString());
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(export.err()).contains("100%");
    assertThat(TestImages.formatOf(exported)).isEqualTo("vmdk");
    Path ova = dir.resolve("exported.ova");
    CliRun ovaExport =
        veneer(port, "images", "export", name, version, "--format", "ova", "-O", ova.toString());
    assertThat(ovaExport.exit()).as(ovaExport.err()).isZero();
    // A ustar archive whose first file is the OVF descriptor.
    byte[] header = Arrays.copyOf(Files.readAllBytes(ova), 512);
    assertThat(new String(header, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
    assertThat(new String(header, 0, 100, StandardCharsets.US_ASCII)).contains(".ovf");
    CliRun ovaImport =
        veneer(
            port, "images", "import-ova", ova.toString(), "--name", name + "-back", "-o", "json");
    assertThat(ovaImport.exit()).as(ovaImport.err()).isZero();
    assertThat(ovaImport.err()).contains("100%", "is AVAILABLE");
    assertThat(json(ovaImport).get("name").asString()).isEqualTo(name + "-back");
    CliRun refusedOva =
        veneer(port, "images", "import-ova", exported.toString(), "--name", name + "-vmdk");
    assertThat(refusedOva.exit()).as(refusedOva.err()).isEqualTo(7);
    assertThat(refusedOva.err()).contains("Importing ", "not a ustar archive");

    CliRun deprecated = veneer(port, "images", "deprecate", name, version, "-o", "json");
    assertThat(json(deprecated).get("state").asString()).isEqualTo("DEPRECATED");
  }

  @Test
  void aRejectedImageIsExitCodeSevenWithTheReason() throws Exception {
    Path notADisk = Files.writeString(dir.resolve("notes.txt"), "not a disk image\n".repeat(100));
    String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    veneer(port, "images", "create", name, "--os", "debian-12");

    CliRun refused = veneer(port, "images", "upload", notADisk.toString(), "--image", name);

    assertThat(refused.exit()).isEqualTo(7);
    assertThat(refused.err()).contains("Verifying the upload: ", "What to do:");
  }

  private CliRun veneer(int imagesPort, String... command) {
    return CliRun.of(
        List.of(
            "--images",
            "http://127.0.0.1:" + imagesPort,
            "--config-dir",
            dir.resolve("config").toString(),
            "--token",
            ServiceUnderTest.API_TOKEN),
        command);
  }

  private static JsonNode json(CliRun run) {
    return ServiceUnderTest.json(run.out());
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
