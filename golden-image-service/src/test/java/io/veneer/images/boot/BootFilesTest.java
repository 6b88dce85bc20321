package io.veneer.images.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.ServiceUnderTest;
import io.veneer.images.TestImages;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.upload.Housekeeping;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A version carries a kernel and an initrd for direct kernel boot: checked by their headers, stored
 * and served to agents by digest, shown on the version, and fixed once it is published.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BootFilesTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(BootFilesTest.class, registry);
    registry.add("veneer.images.boot-files.max-kernel-size", () -> "64KB");
  }

  @LocalServerPort int port;
  @Autowired BlobStore blobs;
  @Autowired Housekeeping housekeeping;
  @TempDir Path dir;
  private ServiceUnderTest service;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  @Test
  void aVersionTakesAPvhKernelAndAnInitrdServedToAgentsByDigest() throws IOException {
    String version = availableVersion("direct");
    byte[] kernel = elfKernel(true);
    byte[] initrd = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};

    put(version + "/kernel", kernel, 200);
    JsonNode view = ServiceUnderTest.json(put(version + "/initrd", initrd, 200));

    String kernelDigest = view.path("kernel").path("digest").asString();
    assertThat(kernelDigest).startsWith("sha256:");
    assertThat(view.path("kernel").path("sizeBytes").asLong()).isEqualTo(kernel.length);
    assertThat(view.path("initrd").path("sizeBytes").asLong()).isEqualTo(initrd.length);
    assertThat(view.path("kernel").path("blobUrl").asString())
        .isEqualTo("/api/v1/blobs/" + kernelDigest);
    HttpResponse<byte[]> served =
        service.sendWith(
            service
                .request("/api/v1/blobs/" + kernelDigest)
                .header("Authorization", "Bearer " + ServiceUnderTest.AGENT_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(kernel);
    JsonNode read =
        ServiceUnderTest.json(service.send(service.request(version).GET().build(), 200));
    assertThat(read.path("initrd").path("digest").asString())
        .isEqualTo(view.path("initrd").path("digest").asString());
  }

  @Test
  void aVersionsKernelAndInitrdAreNotCollectedAsGarbage() throws IOException {
    String version = availableVersion("kept");
    put(version + "/kernel", elfKernel(true), 200);
    JsonNode view = ServiceUnderTest.json(put(version + "/initrd", "070701".getBytes(), 200));
    List<Digest> bootFiles =
        List.of(
            Digest.parse(view.path("kernel").path("digest").asString()),
            Digest.parse(view.path("initrd").path("digest").asString()));
    for (Digest digest : bootFiles) {
      // Older than the collector's grace for blobs a version does not name yet.
      Files.setLastModifiedTime(
          blobs.find(digest).orElseThrow(),
          FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
    }

    housekeeping.collectGarbage();

    assertThat(bootFiles).allSatisfy(digest -> assertThat(blobs.find(digest)).isPresent());
  }

  @Test
  void aBzImageIsAKernelToo() throws IOException {
    String version = availableVersion("bzimage");
    byte[] bzImage = new byte[4096];
    bzImage[0x1fe] = 0x55;
    bzImage[0x1ff] = (byte) 0xaa;
    System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, bzImage, 0x202, 4);

    JsonNode view = ServiceUnderTest.json(put(version + "/kernel", bzImage, 200));

    assertThat(view.path("kernel").path("sizeBytes").asLong()).isEqualTo(4096);
  }

  @Test
  void filesThatCannotBootAreRefusedNamingWhyAndChangeNothing() throws IOException {
    String version = availableVersion("refused");

    assertThat(problem(put(version + "/kernel", elfKernel(false), 400)))
        .contains("without the PVH entry note");
    assertThat(problem(put(version + "/kernel", "MZ not a kernel".getBytes(), 400)))
        .contains("neither an ELF", "bzImage");
    assertThat(problem(put(version + "/kernel", new byte[65 << 10], 400)))
        .contains("veneer.images.boot-files.max-kernel-size");
    assertThat(problem(put(version + "/initrd", "plain text".getBytes(), 400)))
        .contains("not a cpio archive");
    assertThat(problem(put(version + "/initrd", new byte[0], 400))).contains("empty");

    JsonNode read =
        ServiceUnderTest.json(service.send(service.request(version).GET().build(), 200));
    assertThat(read.path("kernel").isNull() || read.path("kernel").isMissingNode()).isTrue();
    assertThat(read.path("initrd").isNull() || read.path("initrd").isMissingNode()).isTrue();
  }

  @Test
  void aPublishedVersionsKernelIsFixed() throws IOException {
    String version = availableVersion("fixed");
    service.send(service.post(version + "/publish", ""), 200);

    String body = put(version + "/kernel", elfKernel(true), 409);

    assertThat(problem(body)).contains("PUBLISHED", "before the version is published");
  }

  private String availableVersion(String name) throws IOException {
    UUID image = service.createImage(name);
    JsonNode version = ServiceUnderTest.json(service.upload(image, TestImages.raw(dir), "").body());
    return "/api/v1/images/" + image + "/versions/" + version.path("id").asString();
  }

  private String put(String path, byte[] body, int status) {
    return service.send(
        service
            .request(path)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        status);
  }

  private static String problem(String body) {
    return ServiceUnderTest.json(body).path("detail").asString();
  }

  /** The smallest x86-64 ELF with one PT_NOTE segment: the Xen PVH entry note, or another one. */
  private static byte[] elfKernel(boolean pvh) {
    ByteBuffer elf = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
    elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    elf.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1);
    elf.putLong(32, 64).putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
    elf.putInt(64, 4).putLong(64 + 8, 120).putLong(64 + 32, 24);
    elf.putInt(120, 4).putInt(124, 4).putInt(128, pvh ? 0x12 : 0x11);
    elf.put(132, "Xen\0".getBytes(StandardCharsets.US_ASCII)).putInt(136, 0x1000000);
    return elf.array();
  }
}
