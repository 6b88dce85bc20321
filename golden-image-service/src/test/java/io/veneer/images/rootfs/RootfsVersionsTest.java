package io.veneer.images.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.veneer.api.tls.ClientTls;
import io.veneer.api.v1.BeginUploadRequest;
import io.veneer.api.v1.CompleteUploadRequest;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersion;
import io.veneer.api.v1.ImageVersionKind;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.UploadContentRequest;
import io.veneer.images.ServiceUnderTest;
import io.veneer.images.api.grpc.GrpcServer;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.upload.Housekeeping;
import io.veneer.images.upload.UploadService;
import io.veneer.testsupport.grpc.Answers;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
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
import tools.jackson.databind.JsonNode;

/**
 * Versions of kind rootfs: a root-filesystem tar goes in over REST or gRPC, is checked as agents
 * will unpack it, and is stored and served by the digest of its bytes; a hostile one is refused
 * with a 400 (INVALID_ARGUMENT) naming the entry, and nothing of it is kept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RootfsVersionsTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(RootfsVersionsTest.class, registry);
    registry.add("veneer.images.rootfs.max-unpacked-size", () -> "1MB");
  }

  @LocalServerPort int port;
  @Autowired GrpcServer grpc;
  @Autowired BlobStore blobs;
  @Autowired Housekeeping housekeeping;
  @TempDir Path dir;
  private ServiceUnderTest service;
  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
    String target = "127.0.0.1:" + grpc.port();
    channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                grpc.port(),
                new ClientTls(ServiceUnderTest.CA.caCertificate(), false, "test")
                    .credentials(target))
            .build();
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  @Test
  void aRootFilesystemIsStoredAsItArrivedAndServedByItsDigest() throws IOException {
    byte[] tar = TestArchives.good();
    String digest = digestOf(tar);
    UUID image = service.createImage("rootfs-good");

    JsonNode version = ServiceUnderTest.json(upload(image, tar, 201));

    assertThat(version.path("kind").asString()).isEqualTo("rootfs");
    assertThat(version.path("state").asString()).isEqualTo("AVAILABLE");
    assertThat(version.path("digest").asString()).isEqualTo(digest);
    assertThat(version.path("sourceFormat").asString()).isEqualTo(UploadService.ROOTFS_FORMAT);
    assertThat(version.path("sizeBytes").asLong()).isEqualTo(tar.length);
    assertThat(version.path("virtualSizeBytes").asLong())
        .as("bytes of its files unpacked")
        .isEqualTo("desktop\n".length() + "#!/bin/sh\necho hello\n".length());
    HttpResponse<byte[]> served =
        service.sendWith(
            service
                .request(version.path("blobUrl").asString())
                .header("Authorization", "Bearer " + ServiceUnderTest.AGENT_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(tar);
    assertThat(scratchLeft()).isEmpty();
  }

  static Stream<Arguments> trees() {
    return Stream.of(
        Arguments.of("a container's tree (no boot files)", TestArchives.good(), false),
        Arguments.of(
            "its own kernel and initrd",
            TestArchives.with()
                .directory("boot/")
                .directory("boot/veneer/")
                .file("boot/veneer/vmlinux", 0644, "kernel")
                .file("boot/veneer/initrd.img", 0644, "initrd")
                .done(),
            true),
        Arguments.of(
            "a kernel without its initrd",
            TestArchives.with()
                .directory("boot/")
                .directory("boot/veneer/")
                .file("boot/veneer/vmlinux", 0644, "kernel")
                .done(),
            false),
        Arguments.of(
            "a kernel that is a link",
            TestArchives.with()
                .directory("boot/")
                .directory("boot/veneer/")
                .file("boot/vmlinuz-6.1", 0644, "kernel")
                .symlink("boot/veneer/vmlinux", "/boot/vmlinuz-6.1")
                .file("boot/veneer/initrd.img", 0644, "initrd")
                .done(),
            false));
  }

  @ParameterizedTest(name = "{0}: carriesKernel={2}")
  @MethodSource("trees")
  void aRootFilesystemVersionSaysWhetherItsTreeCarriesItsOwnKernel(
      String tree, byte[] tar, boolean carriesKernel) {
    UUID image = service.createImage("rootfs-kernel-" + UUID.randomUUID());

    JsonNode version = ServiceUnderTest.json(upload(image, tar, 201));

    assertThat(version.path("carriesKernel").asBoolean()).isEqualTo(carriesKernel);
    ImageVersion overGrpc =
        ImageServiceGrpc.newBlockingStub(channel)
            .withInterceptors(ServiceUnderTest.apiToken())
            .getVersion(
                io.veneer.api.v1.GetVersionRequest.newBuilder()
                    .setId(version.path("id").asString())
                    .build());
    assertThat(overGrpc.getCarriesKernel()).isEqualTo(carriesKernel);
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of(
            "path traversal",
            TestArchives.with().file("../../etc/cron.d/evil", 0644, "x").done(),
            "PARENT_TRAVERSAL",
            "../../etc/cron.d/evil"),
        Arguments.of(
            "absolute path",
            TestArchives.with().file("/etc/shadow", 0644, "x").done(),
            "ABSOLUTE_PATH",
            "/etc/shadow"),
        Arguments.of(
            "block device",
            TestArchives.with().blockDevice("dev/sda", 8, 0).done(),
            "DEVICE_NODE",
            "dev/sda"),
        Arguments.of(
            "setuid file",
            TestArchives.with().file("usr/bin/rootshell", 04755, "x").done(),
            "SETUID",
            "usr/bin/rootshell"),
        Arguments.of(
            "symlink escaping the root",
            TestArchives.with().symlink("escape", "../../..").done(),
            "SYMLINK_ESCAPES",
            "escape"),
        Arguments.of(
            "file written through a symlink to the host's /",
            TestArchives.with().symlink("host", "/").file("host/tmp/planted", 0644, "x").done(),
            "THROUGH_SYMLINK",
            "host/tmp/planted"),
        Arguments.of(
            "tar bomb (2 MiB of zeros against a 1 MB limit)",
            TestArchives.with().file("zeros", 0644, new byte[2 << 20]).done(),
            "ENTRY_TOO_LARGE",
            "zeros"));
  }

  @ParameterizedTest(name = "{0} is refused with its reason, nothing kept")
  @MethodSource("hostile")
  void hostileArchivesAreRefusedNamingTheEntryAndNothingIsKept(
      String what, byte[] tar, String reason, String entry) throws IOException {
    UUID image = service.createImage("rootfs-hostile-" + UUID.randomUUID());

    JsonNode problem = ServiceUnderTest.json(upload(image, tar, 400));

    assertThat(problem.path("title").asString()).isEqualTo("Root filesystem refused");
    assertThat(problem.path("entry").asString()).isEqualTo(entry);
    assertThat(problem.path("detail").asString()).contains("entry '" + entry + "'");
    JsonNode version =
        ServiceUnderTest.json(
            service.send(
                service
                    .request(
                        "/api/v1/images/"
                            + image
                            + "/versions/"
                            + problem.path("versionId").asString())
                    .GET()
                    .build(),
                200));
    assertThat(version.path("state").asString()).isEqualTo("REJECTED");
    assertThat(version.path("rejectionReason").asString()).contains(entry);
    assertThat(blobs.find(Digest.parse(digestOf(tar)))).isEmpty();
    assertThat(scratchLeft()).isEmpty();
    assertThat(problem.path("reason").asString()).isEqualTo(reason);
  }

  @Test
  void anUnknownKindIsABadRequest() {
    UUID image = service.createImage("rootfs-kind");
    assertThat(
            ServiceUnderTest.json(
                    service.send(
                        service
                            .request("/api/v1/images/" + image + "/versions?kind=iso")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(TestArchives.good()))
                            .build(),
                        400))
                .path("detail")
                .asString())
        .contains("kind must be disk or rootfs");
  }

  @Test
  void aRootFilesystemUploadedOverGrpcIsAVersionOfKindRootfs() throws Exception {
    var images =
        ImageServiceGrpc.newBlockingStub(channel).withInterceptors(ServiceUnderTest.apiToken());
    UUID image = service.createImage("rootfs-grpc");
    byte[] tar = TestArchives.good();

    ImageVersion begun =
        images.beginUpload(
            BeginUploadRequest.newBuilder()
                .setImageId(image.toString())
                .setKind(ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS)
                .build());
    send(begun.getId(), tar);
    ImageVersion done =
        images.completeUpload(
            CompleteUploadRequest.newBuilder().setVersionId(begun.getId()).build());

    assertThat(done.getKind()).isEqualTo(ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS);
    assertThat(done.getState()).isEqualTo(ImageVersionState.IMAGE_VERSION_STATE_AVAILABLE);
    assertThat(done.getDigest()).isEqualTo(digestOf(tar));

    byte[] hostile = TestArchives.with().blockDevice("dev/sda", 8, 0).done();
    ImageVersion second =
        images.beginUpload(
            BeginUploadRequest.newBuilder()
                .setImageId(image.toString())
                .setKind(ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS)
                .build());
    send(second.getId(), hostile);
    assertThatThrownBy(
            () ->
                images.completeUpload(
                    CompleteUploadRequest.newBuilder().setVersionId(second.getId()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("dev/sda");
            });
    assertThat(blobs.find(Digest.parse(digestOf(hostile)))).isEmpty();
  }

  @Test
  void aRootFilesystemAVersionNamesIsNotCollectedAsGarbage() throws IOException {
    byte[] tar = TestArchives.with().file("etc/kept", 0644, "kept\n").done();
    JsonNode version = ServiceUnderTest.json(upload(service.createImage("rootfs-kept"), tar, 201));
    Digest digest = Digest.parse(version.path("digest").asString());
    // Older than the collector's grace for blobs a version does not name yet.
    Files.setLastModifiedTime(
        blobs.find(digest).orElseThrow(), FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));

    housekeeping.collectGarbage();

    assertThat(blobs.find(digest)).isPresent();
  }

  @Test
  void aCheckCutShortByAStopIsClearedWithTheTempArea() throws IOException {
    Path left = blobs.tempFile("rootfs-check-" + UUID.randomUUID());
    Files.createDirectories(left.resolve("usr/bin"));
    Files.writeString(left.resolve("usr/bin/half"), "x");
    Files.createSymbolicLink(left.resolve("host"), Path.of("/"));
    left.resolve("usr").toFile().setWritable(false);

    blobs.clearTemp();

    assertThat(left).doesNotExist();
    assertThat(Path.of("/etc/hostname")).exists();
  }

  private String upload(UUID image, byte[] tar, int status) {
    return service.send(
        service
            .request("/api/v1/images/" + image + "/versions?kind=rootfs")
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(tar))
            .build(),
        status);
  }

  private Stream<Path> scratchLeft() throws IOException {
    return Files.list(blobs.tempFile("x").getParent())
        .filter(p -> p.getFileName().toString().startsWith("rootfs-check-"))
        .toList()
        .stream();
  }

  private static String digestOf(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void send(String versionId, byte[] bytes) throws Exception {
    CompletableFuture<ImageVersion> answer = new CompletableFuture<>();
    StreamObserver<UploadContentRequest> pieces =
        ImageServiceGrpc.newStub(channel)
            .withInterceptors(ServiceUnderTest.apiToken())
            .uploadContent(Answers.into(answer));
    pieces.onNext(
        UploadContentRequest.newBuilder()
            .setVersionId(versionId)
            .setOffset(0)
            .setData(ByteString.copyFrom(bytes))
            .build());
    pieces.onCompleted();
    try {
      answer.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    }
  }
}
