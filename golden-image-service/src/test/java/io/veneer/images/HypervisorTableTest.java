package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Each row of the README's table of hypervisors, as it is written there: every format Veneer says
 * it imports from that hypervisor goes in (made with the real qemu-img, or an OVA Veneer made) and
 * keeps the disk's bytes, every format it says it exports comes out in that format with the same
 * bytes. A row changed in the README changes what this test checks.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HypervisorTableTest {

  private static final Pattern ROW = Pattern.compile("\\| ([^|]+?) \\| ([^|]+?) \\| ([^|]+?) \\|");
  private static final Map<String, String> QEMU_FORMATS =
      Map.of(
          "raw",
          "raw",
          "qcow2",
          "qcow2",
          "vhd",
          "vpc",
          "vhdx",
          "vhdx",
          "vmdk",
          "vmdk",
          "vdi",
          "vdi",
          "hds",
          "parallels");
  private static final AtomicInteger NAMES = new AtomicInteger();

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(HypervisorTableTest.class, registry);
  }

  @LocalServerPort int port;
  @Autowired BlobStore blobs;
  @TempDir Path dir;
  private ServiceUnderTest service;

  /** A row of the table: the hypervisor, and the formats (backticked) in each direction. */
  record Hypervisor(String name, List<String> imports, List<String> exports) {
    @Override
    public String toString() {
      return name + ": imports " + imports + ", exports " + exports;
    }
  }

  static List<Hypervisor> readmeTable() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    String table = readme.substring(readme.indexOf("## Hypervisors"));
    List<Hypervisor> rows =
        table
            .lines()
            .dropWhile(line -> !line.startsWith("| hypervisor"))
            .skip(2)
            .takeWhile(line -> line.startsWith("|"))
            .map(ROW::matcher)
            .filter(java.util.regex.Matcher::matches)
            .map(m -> new Hypervisor(m.group(1), formats(m.group(2)), formats(m.group(3))))
            .toList();
    assertThat(rows).extracting(Hypervisor::name).hasSize(8);
    return rows;
  }

  private static List<String> formats(String cell) {
    return Arrays.stream(cell.split(","))
        .map(String::strip)
        .filter(f -> f.startsWith("`"))
        .map(f -> f.substring(1, f.indexOf('`', 1)))
        .toList();
  }

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readmeTable")
  void importsAndExportsWhatTheReadmeSays(Hypervisor hypervisor) throws Exception {
    Path raw = TestImages.raw(dir);
    for (String format : hypervisor.imports()) {
      JsonNode version =
          format.equals("ova")
              ? importedOva(exported(uploaded(raw), "ova"))
              : uploaded(disk(raw, format));
      assertThat(version.path("state").asString()).as(format).isEqualTo("AVAILABLE");
      Path blob = blobs.find(Digest.parse(version.path("digest").asString())).orElseThrow();
      TestImages.qemuImg("compare", "-f", "qcow2", "-F", "raw", blob.toString(), raw.toString());
    }
    for (String format : hypervisor.exports()) {
      Path exported = exported(uploaded(raw), format);
      if (format.equals("ova")) {
        assertThat(importedOva(exported).path("state").asString()).isEqualTo("AVAILABLE");
      } else {
        assertThat(TestImages.formatOf(exported)).as(format).isEqualTo(QEMU_FORMATS.get(format));
        TestImages.qemuImg(
            "compare",
            "-f",
            QEMU_FORMATS.get(format),
            "-F",
            "raw",
            exported.toString(),
            raw.toString());
      }
    }
  }

  private Path disk(Path raw, String format) throws IOException {
    String qemu = QEMU_FORMATS.get(format);
    assertThat(qemu).as("a format the table names: " + format).isNotNull();
    return qemu.equals("raw") ? raw : TestImages.converted(raw, qemu);
  }

  private JsonNode uploaded(Path disk) {
    UUID image = service.createImage("hypervisor-" + NAMES.incrementAndGet());
    HttpResponse<String> uploaded = service.upload(image, disk, "");
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    return ServiceUnderTest.json(uploaded.body());
  }

  private Path exported(JsonNode version, String format) {
    Path file = dir.resolve("exported-" + NAMES.incrementAndGet() + "." + format);
    HttpResponse<Path> exported =
        service.sendWith(
            service
                .request(
                    "/api/v1/images/"
                        + version.path("imageId").asString()
                        + "/versions/"
                        + version.path("id").asString()
                        + "/export?format="
                        + format)
                .build(),
            HttpResponse.BodyHandlers.ofFile(file));
    assertThat(exported.statusCode()).as(format).isEqualTo(200);
    return exported.body();
  }

  private JsonNode importedOva(Path ova) {
    HttpResponse<String> imported =
        service.sendForString(
            service
                .request("/api/v1/images/ova?name=hypervisor-" + NAMES.incrementAndGet())
                .header("Content-Type", "application/octet-stream")
                .POST(bodyOf(ova))
                .build());
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
    return ServiceUnderTest.json(imported.body()).path("version");
  }

  private static HttpRequest.BodyPublisher bodyOf(Path file) {
    try {
      return HttpRequest.BodyPublishers.ofFile(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
