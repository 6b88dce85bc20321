package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.blobs.BlobStore;
import io.veneer.images.catalogue.ImageCatalogue;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Untrusted images are dangerous. Each hostile upload is rejected with a reason a person can act
 * on, leaves no usable version and no blob, and the ones that point at host files are turned away
 * by our own header checks before qemu-img ever opens them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileImagesTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(HostileImagesTest.class, registry);
  }

  @LocalServerPort int port;
  @Autowired ImageCatalogue catalogue;
  @Autowired BlobStore blobs;
  @TempDir Path dir;
  private ServiceUnderTest service;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  interface HostileImage {
    Path make(Path dir) throws IOException;
  }

  static Stream<Arguments> hostileImages() {
    return Stream.of(
        Arguments.of(
            "qcow2 with a backing file pointing at a host file",
            (HostileImage)
                dir -> {
                  Path file = dir.resolve("backed.qcow2");
                  TestImages.qemuImg(
                      "create",
                      "-f",
                      "qcow2",
                      "-u",
                      "-b",
                      "/etc/shadow",
                      "-F",
                      "raw",
                      file.toString(),
                      "8M");
                  return file;
                },
            "names a backing file (/etc/shadow)"),
        Arguments.of(
            "qcow2 with an external data file",
            (HostileImage)
                dir -> {
                  Path file = dir.resolve("external.qcow2");
                  TestImages.qemuImg(
                      "create",
                      "-f",
                      "qcow2",
                      "-o",
                      "data_file=" + dir.resolve("data.raw"),
                      file.toString(),
                      "8M");
                  return file;
                },
            "external data file"),
        Arguments.of(
            "VMDK whose extent names a host file",
            (HostileImage) HostileImagesTest::vmdkWithFlatExtentOnHostFile,
            "extent that names another file (/etc/shadow)"),
        Arguments.of(
            "VMDK descriptor pointing elsewhere",
            (HostileImage)
                dir ->
                    Files.writeString(
                        dir.resolve("descriptor.vmdk"),
                        "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                            + "createType=\"monolithicFlat\"\nRW 16384 FLAT \"/etc/shadow\" 0\n"),
            "VMDK descriptor, which only points at other files"),
        Arguments.of(
            "qcow2 header claiming a huge virtual size",
            (HostileImage) HostileImagesTest::qcow2ClaimingExabytes,
            "Image is too big"),
        Arguments.of(
            "qcow2 larger than the configured limit",
            (HostileImage)
                dir -> {
                  Path file = dir.resolve("large.qcow2");
                  TestImages.qemuImg("create", "-f", "qcow2", file.toString(), "2G");
                  return file;
                },
            "above the limit of 1073741824 bytes (veneer.images.max-virtual-size)"),
        Arguments.of(
            "truncated qcow2",
            (HostileImage)
                dir -> {
                  Path file = TestImages.converted(TestImages.raw(dir), "qcow2");
                  try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(1000);
                  }
                  return file;
                },
            "the upload is truncated or the image is corrupt"),
        Arguments.of(
            "random bytes",
            (HostileImage)
                dir -> {
                  byte[] noise = new byte[1 << 20];
                  new Random(7).nextBytes(noise);
                  return Files.write(dir.resolve("noise.bin"), noise);
                },
            "not a disk image"),
        Arguments.of(
            "random bytes of an odd length",
            (HostileImage)
                dir -> {
                  byte[] noise = new byte[12_345];
                  new Random(8).nextBytes(noise);
                  return Files.write(dir.resolve("odd.bin"), noise);
                },
            "not a whole number of 512-byte sectors"),
        Arguments.of(
            "zero-length file",
            (HostileImage) dir -> Files.write(dir.resolve("empty.img"), new byte[0]),
            "the file is empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileImages")
  void rejectsWithAClearReasonAndKeepsNothingUsable(
      String description, HostileImage hostile, String expectedReason) throws IOException {
    UUID image = service.createImage("hostile-" + UUID.randomUUID().toString().substring(0, 8));
    int blobsBefore = blobs.all().size();

    HttpResponse<String> response = service.upload(image, hostile.make(dir), "");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(ServiceUnderTest.json(response.body()).path("detail").asString())
        .contains(expectedReason);
    assertThat(catalogue.versions(image))
        .singleElement()
        .satisfies(
            version -> {
              assertThat(version.state().name()).isEqualTo("REJECTED");
              assertThat(version.rejectionReason()).contains(expectedReason);
              assertThat(version.digest()).isNull();
            });
    assertThat(blobs.all()).hasSize(blobsBefore);
  }

  @Test
  void refusesAFileNameWithPathTraversalBeforeCreatingAVersion() throws IOException {
    UUID image = service.createImage("traversal");

    HttpResponse<String> response =
        service.upload(
            image,
            Files.write(dir.resolve("small.img"), new byte[512]),
            "?fileName=" + URLEncoder.encode("../../etc/passwd", StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(ServiceUnderTest.json(response.body()).path("detail").asString())
        .contains("with no path: '../../etc/passwd' was refused");
    assertThat(catalogue.versions(image)).isEmpty();
  }

  @Test
  void refusesAnImageNameThatCouldBeAPath() {
    var response = service.sendForString(service.post("/api/v1/images", "{\"name\":\"../etc\"}"));

    assertThat(response.statusCode()).isEqualTo(400);
  }

  /** A real monolithicSparse VMDK whose embedded descriptor is rewritten to a FLAT host file. */
  private static Path vmdkWithFlatExtentOnHostFile(Path dir) throws IOException {
    Path raw = TestImages.raw(dir);
    Path file = dir.resolve("a-rather-long-file-name-to-leave-room.vmdk");
    TestImages.qemuImg("convert", "-f", "raw", "-O", "vmdk", raw.toString(), file.toString());
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int start = text.indexOf("RW 16384 SPARSE");
    int end = text.indexOf('\n', start);
    String replacement = "RW 16384 FLAT \"/etc/shadow\" 0";
    String padded = replacement + " ".repeat(end - start - replacement.length());
    System.arraycopy(
        padded.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, start, padded.length());
    return Files.write(file, bytes);
  }

  /** A valid qcow2 whose header says it is 2^62 bytes large. */
  private static Path qcow2ClaimingExabytes(Path dir) throws IOException {
    Path file = TestImages.converted(TestImages.raw(dir), "qcow2");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(24);
      raf.write(ByteBuffer.allocate(8).putLong(1L << 62).array());
    }
    return file;
  }
}
