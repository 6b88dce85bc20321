package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.events.v1.ImageEvent;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.VersionKind;
import io.veneer.images.catalogue.VersionState;
import io.veneer.images.upload.UploadService;
import io.veneer.testsupport.kafka.KafkaTopics;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Images from every hypervisor's format, made with the real qemu-img, go in, come out as qcow2
 * blobs served by digest with Range, and every step is an event on the real Kafka.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class ImageImportTest {

  private static KafkaTopics topics;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    topics = ServiceUnderTest.configure(ImageImportTest.class, registry);
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired UploadService uploads;
  @Autowired BlobStore blobs;
  @Autowired ImageCatalogue catalogue;
  @TempDir Path dir;
  private ServiceUnderTest service;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  @ParameterizedTest(name = "{0} is converted, published and served")
  @CsvSource({"raw, raw", "vpc, vpc", "vmdk, vmdk", "vdi, vdi", "vhdx, vhdx", "qcow2, qcow2"})
  void importsEveryFormatAsQcow2AndServesItByDigest(String qemuFormat, String expectedSource)
      throws Exception {
    Path raw = TestImages.raw(dir);
    Path upload = qemuFormat.equals("raw") ? raw : TestImages.converted(raw, qemuFormat);
    String uploadDigest =
        "sha256:" + java.util.HexFormat.of().formatHex(UploadService.hash(upload));
    UUID image = service.createImage("desktop-" + qemuFormat);

    HttpResponse<String> uploaded =
        service.upload(image, upload, "?expectedDigest=" + uploadDigest);

    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    JsonNode version = ServiceUnderTest.json(uploaded.body());
    assertThat(version.path("state").asString()).isEqualTo("AVAILABLE");
    assertThat(version.path("sourceFormat").asString()).isEqualTo(expectedSource);
    assertThat(version.path("sourceDigest").asString()).isEqualTo(uploadDigest);
    assertThat(version.path("virtualSizeBytes").asLong()).isEqualTo(8 << 20);
    assertThat(version.path("bytesReceived").asLong()).isEqualTo(Files.size(upload));
    String digest = version.path("digest").asString();
    String versionPath = "/api/v1/images/" + image + "/versions/" + version.path("id").asString();

    JsonNode published =
        ServiceUnderTest.json(service.send(service.post(versionPath + "/publish", ""), 200));
    assertThat(published.path("state").asString()).isEqualTo("PUBLISHED");

    HttpResponse<byte[]> blob =
        service.sendWith(
            service
                .request("/api/v1/blobs/" + digest)
                .header("Authorization", "Bearer " + ServiceUnderTest.AGENT_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(blob.statusCode()).isEqualTo(200);
    assertThat(blob.headers().firstValue("ETag")).hasValue("\"" + digest + "\"");
    Path served = Files.write(dir.resolve("served.qcow2"), blob.body());
    assertThat(Digest.ofBytes(UploadService.hash(served)).toString()).isEqualTo(digest);
    assertThat(TestImages.formatOf(served)).isEqualTo("qcow2");
    Path back = dir.resolve("back.img");
    TestImages.qemuImg("convert", "-f", "qcow2", "-O", "raw", served.toString(), back.toString());
    assertThat(Files.mismatch(back, raw)).isEqualTo(-1);

    HttpResponse<byte[]> range =
        service.sendWith(
            service
                .request("/api/v1/blobs/" + digest)
                .header("Authorization", "Bearer " + ServiceUnderTest.AGENT_TOKEN)
                .header("Range", "bytes=100-1123")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(blob.body(), 100, 1124));

    List<ConsumerRecord<String, byte[]>> records =
        ServiceUnderTest.events(topics, image.toString(), 5);
    List<ImageEvent> events = records.stream().map(ImageImportTest::parse).toList();
    assertThat(events)
        .extracting(ImageEvent::getType, ImageEvent::getFromState, ImageEvent::getToState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("image-created", "", ""),
            org.assertj.core.groups.Tuple.tuple("version-state-changed", "", "UPLOADING"),
            org.assertj.core.groups.Tuple.tuple("version-state-changed", "UPLOADING", "VERIFYING"),
            org.assertj.core.groups.Tuple.tuple("version-state-changed", "VERIFYING", "AVAILABLE"),
            org.assertj.core.groups.Tuple.tuple("version-state-changed", "AVAILABLE", "PUBLISHED"));
    assertThat(events)
        .extracting(e -> e.getHeader().getAggregateVersion())
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(events.getLast().getDigest()).isEqualTo(digest);
    assertThat(records.getFirst().headers().lastHeader("ce_type").value())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo("io.veneer.image.image-created");
  }

  @ParameterizedTest(name = "exports to {0}")
  @CsvSource({"vhd, vpc", "vhdx, vhdx", "vmdk, vmdk", "vdi, vdi", "raw, raw"})
  void exportsAVersionToAnotherHypervisorsFormat(String requested, String qemuFormat)
      throws Exception {
    Path raw = TestImages.raw(dir);
    UUID image = service.createImage("export-" + requested);
    JsonNode version = ServiceUnderTest.json(service.upload(image, raw, "").body());

    HttpResponse<Path> exported =
        service.sendWith(
            service
                .request(
                    "/api/v1/images/"
                        + image
                        + "/versions/"
                        + version.path("id").asString()
                        + "/export?format="
                        + requested)
                .build(),
            HttpResponse.BodyHandlers.ofFile(dir.resolve("exported")));

    assertThat(exported.statusCode()).isEqualTo(200);
    assertThat(TestImages.formatOf(exported.body())).isEqualTo(qemuFormat);
    Path back = dir.resolve("exported-back.img");
    TestImages.qemuImg(
        "convert", "-f", qemuFormat, "-O", "raw", exported.body().toString(), back.toString());
    assertThat(Files.mismatch(back, raw)).isEqualTo(-1);
  }

  @Test
  void servesABlobUnderTheTraceOfTheDesktopRequestWhoseAgentFetchesIt(CapturedOutput logs)
      throws IOException {
    UUID image = service.createImage("traced");
    JsonNode version = ServiceUnderTest.json(service.upload(image, TestImages.raw(dir), "").body());
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    HttpResponse<byte[]> blob =
        service.sendWith(
            service
                .request("/api/v1/blobs/" + version.path("digest").asString())
                .header("Authorization", "Bearer " + ServiceUnderTest.AGENT_TOKEN)
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(blob.statusCode()).isEqualTo(200);
    assertThat(logs.getOut().lines().filter(line -> line.contains("event=blob-served")))
        .anySatisfy(line -> assertThat(line).contains(traceId));
  }

  @Test
  void refusesBlobsWithoutTheAgentTokenAndVersionsOutOfLifecycleOrder() throws IOException {
    UUID image = service.createImage("guarded");
    JsonNode version = ServiceUnderTest.json(service.upload(image, TestImages.raw(dir), "").body());
    String versionPath = "/api/v1/images/" + image + "/versions/" + version.path("id").asString();

    HttpResponse<String> anonymous =
        service.sendForString(
            service.request("/api/v1/blobs/" + version.path("digest").asString()).build());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");

    HttpResponse<String> deprecateTooEarly =
        service.sendForString(service.post(versionPath + "/deprecate", ""));
    assertThat(deprecateTooEarly.statusCode()).isEqualTo(409);
    assertThat(ServiceUnderTest.json(deprecateTooEarly.body()).path("currentState").asString())
        .isEqualTo("AVAILABLE");
  }

  @Test
  void refusesImagesApiCallersWithoutTheApiToken() {
    HttpResponse<String> anonymous =
        service.sendForString(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/images"))
                .build());

    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(ServiceUnderTest.json(anonymous.body()).path("detail").asString())
        .contains("veneer.images.api-token");
  }

  @Test
  void publishesAnOpenApiDocumentOfTheRestApi() {
    ServiceUnderTest management = new ServiceUnderTest(managementPort);
    JsonNode document =
        ServiceUnderTest.json(
            management.send(management.request("/actuator/openapi").build(), 200));

    assertThat(document.path("paths").propertyNames())
        .contains(
            "/api/v1/images",
            "/api/v1/images/{imageId}/versions",
            "/api/v1/images/{imageId}/versions/{versionId}/content",
            "/api/v1/blobs/{digest}");
  }

  @Test
  void rejectsAnUploadWhoseDigestDoesNotMatch() throws IOException {
    UUID image = service.createImage("mismatch");

    HttpResponse<String> response =
        service.upload(image, TestImages.raw(dir), "?expectedDigest=sha256:" + "0".repeat(64));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(ServiceUnderTest.json(response.body()).path("detail").asString())
        .contains("was expected: the upload is corrupt or incomplete");
  }

  @Test
  void resumesAnUploadWhoseConnectionDroppedFromWhereTheServiceStands() throws Exception {
    byte[] vhd = Files.readAllBytes(TestImages.converted(TestImages.raw(dir), "vpc"));
    String digest = "sha256:" + java.util.HexFormat.of().formatHex(sha256(vhd));
    UUID image = service.createImage("resumable");
    JsonNode begun =
        ServiceUnderTest.json(
            service.send(service.post("/api/v1/images/" + image + "/versions:begin", ""), 201));
    String versionPath = "/api/v1/images/" + image + "/versions/" + begun.path("id").asString();
    assertThat(begun.path("state").asString()).isEqualTo("UPLOADING");

    int half = vhd.length / 2;
    sendHalfThenDropTheConnection(versionPath + "/content", vhd, half);
    long received = awaitBytesReceived(versionPath, half);
    HttpResponse<String> replayed = appendPiece(versionPath, vhd, 0, 1024);
    HttpResponse<String> rest = appendPiece(versionPath, vhd, received, vhd.length);
    JsonNode completed =
        ServiceUnderTest.json(
            service.send(
                service.post(versionPath + "/complete?expectedDigest=" + digest, ""), 201));

    assertThat(received).isEqualTo(half);
    assertThat(replayed.statusCode()).isEqualTo(409);
    assertThat(ServiceUnderTest.json(replayed.body()).path("bytesReceived").asLong())
        .isEqualTo(half);
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(200);
    assertThat(ServiceUnderTest.json(rest.body()).path("bytesReceived").asLong())
        .isEqualTo(vhd.length);
    assertThat(completed.path("state").asString()).isEqualTo("AVAILABLE");
    assertThat(completed.path("sourceFormat").asString()).isEqualTo("vpc");
    assertThat(completed.path("sourceDigest").asString()).isEqualTo(digest);
    assertThat(appendPiece(versionPath, vhd, vhd.length, vhd.length).statusCode())
        .as("a completed upload takes no more bytes")
        .isEqualTo(409);
  }

  @Test
  void rejectsAResumableUploadThatReceivedNothingForADay() throws IOException {
    UUID image = service.createImage("abandoned");
    UUID abandoned = uploads.begin(image, VersionKind.DISK).id();
    Path file = blobs.tempFile("resumable-" + abandoned + ".part");
    Files.write(file, new byte[4096]);
    Files.setLastModifiedTime(
        file, FileTime.from(Instant.now().minus(UploadService.ABANDONED_AFTER).minusSeconds(60)));
    UUID active = uploads.begin(image, VersionKind.DISK).id();

    uploads.expireAbandoned(Instant.now());

    assertThat(catalogue.versionById(abandoned).state()).isEqualTo(VersionState.REJECTED);
    assertThat(catalogue.versionById(abandoned).rejectionReason()).contains("abandoned");
    assertThat(file).doesNotExist();
    assertThat(catalogue.versionById(active).state()).isEqualTo(VersionState.UPLOADING);
  }

  private void sendHalfThenDropTheConnection(String path, byte[] body, int half)
      throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      var out = socket.getOutputStream();
      out.write(
          ("PATCH "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  + "Authorization: Bearer "
                  + ServiceUnderTest.API_TOKEN
                  + "\r\nUpload-Offset: 0\r\nContent-Length: "
                  + body.length
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, half);
      out.flush();
    }
  }

  private long awaitBytesReceived(String versionPath, long expected) throws InterruptedException {
    long received = -1;
    for (int i = 0; i < 100 && received != expected; i++) {
      Thread.sleep(100);
      received =
          ServiceUnderTest.json(service.send(service.request(versionPath).build(), 200))
              .path("bytesReceived")
              .asLong();
    }
    return received;
  }

  private HttpResponse<String> appendPiece(String versionPath, byte[] body, long from, int to) {
    return service.sendForString(
        service
            .request(versionPath + "/content")
            .header("Content-Type", "application/octet-stream")
            .header("Upload-Offset", Long.toString(from))
            .method(
                "PATCH",
                java.net.http.HttpRequest.BodyPublishers.ofByteArray(
                    body, (int) from, to - (int) from))
            .build());
  }

  private static byte[] sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
    return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  private static ImageEvent parse(ConsumerRecord<String, byte[]> record) {
    try {
      return ImageEvent.parseFrom(record.value());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
