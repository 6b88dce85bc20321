package io.veneer.images.ova;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.images.ServiceUnderTest;
import io.veneer.images.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Golden versions out as OVAs and OVAs in as golden images, with the real qemu-img and tar. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OvaTest {

  private static final String UEFI_DESKTOP =
      """
      {"machine": "q35", "firmware": "uefi", "vcpus": 4, "memoryMib": 6144,
       "bootMode": "disk", "kernelCmdline": "", "display": true}""";

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(OvaTest.class, registry);
  }

  @LocalServerPort int port;
  @TempDir Path dir;
  private ServiceUnderTest service;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  @Test
  void exportsAVersionAsAnOvaWithTheDescriptorFirstAManifestAndAStreamOptimizedDisk()
      throws Exception {
    Path raw = TestImages.raw(dir);
    Path ova = exportedOva(uploadedVersion("ova-out", UEFI_DESKTOP, raw));

    Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
    List<String> listing = run(dir, "tar", "-tf", ova.toString()).lines().toList();
    run(unpacked, "tar", "-xf", ova.toString());

    assertThat(listing).containsExactly("ova-out-v1.ovf", "ova-out-v1.mf", "ova-out-v1-disk1.vmdk");
    Path disk = unpacked.resolve("ova-out-v1-disk1.vmdk");
    assertThat(run(dir, "qemu-img", "info", disk.toString())).contains("streamOptimized");
    run(dir, "qemu-img", "compare", "-f", "vmdk", "-F", "raw", disk.toString(), raw.toString());
    assertThat(Files.readString(unpacked.resolve("ova-out-v1.mf")))
        .isEqualTo(
            "SHA256(ova-out-v1.ovf)= "
                + sha256(unpacked.resolve("ova-out-v1.ovf"))
                + "\nSHA256(ova-out-v1-disk1.vmdk)= "
                + sha256(disk)
                + "\n");
    String descriptor = Files.readString(unpacked.resolve("ova-out-v1.ovf"));
    assertThat(descriptor)
        .contains("xmlns=\"http://schemas.dmtf.org/ovf/envelope/2\"")
        .contains("<rasd:VirtualQuantity>4</rasd:VirtualQuantity>")
        .contains("<rasd:VirtualQuantity>6144</rasd:VirtualQuantity>")
        .contains("vmw:key=\"firmware\" vmw:value=\"efi\"")
        .contains("ovf:capacity=\"" + Files.size(raw) + "\"");
  }

  private UUID[] uploadedVersion(String name, String hardware, Path disk) {
    JsonNode image =
        ServiceUnderTest.json(
            service.send(
                service.post(
                    "/api/v1/images",
                    "{\"name\":\""
                        + name
                        + "\",\"os\":\"debian-12\",\"description\":\"Debian with Xfce\","
                        + "\"hardware\":"
                        + hardware
                        + "}"),
                201));
    UUID imageId = UUID.fromString(image.path("id").asString());
    HttpResponse<String> uploaded = service.upload(imageId, disk, "");
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    return new UUID[] {
      imageId, UUID.fromString(ServiceUnderTest.json(uploaded.body()).path("id").asString())
    };
  }

  private Path exportedOva(UUID[] version) {
    HttpResponse<Path> exported =
        service.sendWith(
            service
                .request(
                    "/api/v1/images/"
                        + version[0]
                        + "/versions/"
                        + version[1]
                        + "/export?format=ova")
                .build(),
            HttpResponse.BodyHandlers.ofFile(dir.resolve("exported.ova")));
    assertThat(exported.statusCode()).isEqualTo(200);
    assertThat(exported.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(d -> assertThat(d).endsWith(".ova\""));
    return exported.body();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(io.veneer.images.upload.UploadService.hash(file));
  }

  static String run(Path in, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(new ArrayList<>(List.of(command)))
            .directory(in.toFile())
            .redirectErrorStream(true)
            .start();
    String out;
    try (InputStream stdout = process.getInputStream()) {
      out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}
