package io.veneer.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.veneer.api.tls.ClientTls;
import io.veneer.api.v1.BeginUploadRequest;
import io.veneer.api.v1.CompleteUploadRequest;
import io.veneer.api.v1.CreateImageRequest;
import io.veneer.api.v1.ExportHeader;
import io.veneer.api.v1.ExportVersionRequest;
import io.veneer.api.v1.ExportVersionResponse;
import io.veneer.api.v1.GetImageRequest;
import io.veneer.api.v1.GetVersionRequest;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.Image;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersion;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.ListImagesRequest;
import io.veneer.api.v1.ListVersionsRequest;
import io.veneer.api.v1.PageRequest;
import io.veneer.api.v1.UploadContentRequest;
import io.veneer.images.api.grpc.GrpcServer;
import io.veneer.testsupport.grpc.Answers;
import io.veneer.testsupport.grpc.StandardServicesProbe;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The gRPC ImageService answers like REST does, over the same catalogue. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImageGrpcServiceTest {

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry registry) {
    ServiceUnderTest.configure(ImageGrpcServiceTest.class, registry);
  }

  @LocalServerPort int port;
  @Autowired GrpcServer grpc;
  @TempDir Path dir;
  private ManagedChannel channel;
  private ImageServiceGrpc.ImageServiceBlockingStub images;

  @BeforeEach
  void connect() {
    channel = dial(ServiceUnderTest.CA.caCertificate());
    images = withToken(channel);
  }

  private static ImageServiceGrpc.ImageServiceBlockingStub withToken(ManagedChannel channel) {
    return ImageServiceGrpc.newBlockingStub(channel).withInterceptors(ServiceUnderTest.apiToken());
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private ManagedChannel dial(Path trustedCa) {
    String target = "127.0.0.1:" + grpc.port();
    return NettyChannelBuilder.forAddress(
            "127.0.0.1", grpc.port(), new ClientTls(trustedCa, false, "test").credentials(target))
        .build();
  }

  @Test
  void servesOnlyClientsThatSpeakTlsAndTrustItsCertificate() {
    ManagedChannel plaintext =
        NettyChannelBuilder.forAddress("127.0.0.1", grpc.port()).usePlaintext().build();
    ManagedChannel otherCa = dial(ServiceUnderTest.certificateAuthority().caCertificate());
    try {
      for (ManagedChannel refused : List.of(plaintext, otherCa)) {
        assertThatThrownBy(
                () -> withToken(refused).listImages(ListImagesRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      }
      assertThat(images.listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
          .isNotNull();
    } finally {
      plaintext.shutdownNow();
      otherCa.shutdownNow();
    }
  }

  @Test
  void healthAndReflectionAnswerWithoutAToken() throws Exception {
    assertThat(StandardServicesProbe.health(channel, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(StandardServicesProbe.health(channel, ImageServiceGrpc.SERVICE_NAME))
        .isEqualTo(ServingStatus.SERVING);
    assertThat(StandardServicesProbe.reflectedServices(channel))
        .contains(ImageServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health");
  }

  @Test
  void createsListsAndPublishesOverGrpc() throws IOException {
    Image created =
        images.createImage(
            CreateImageRequest.newBuilder()
                .setImage(
                    Image.newBuilder()
                        .setName("grpc-desktop")
                        .setOs("debian-12")
                        .setHardware(
                            HardwareDefaults.newBuilder()
                                .setMachine("q35")
                                .setVcpus(4)
                                .setMemoryMib(4096)
                                .setDisplay(true)))
                .build());
    new ServiceUnderTest(port).upload(UUID.fromString(created.getId()), TestImages.raw(dir), "");

    var versions =
        images.listVersions(ListVersionsRequest.newBuilder().setImageId(created.getId()).build());
    var version = versions.getVersions(0);
    var published =
        images.publishVersion(GetVersionRequest.newBuilder().setId(version.getId()).build());

    assertThat(created.getHardware().getVcpus()).isEqualTo(4);
    assertThat(
            images.getImage(GetImageRequest.newBuilder().setId(created.getId()).build()).getName())
        .isEqualTo("grpc-desktop");
    assertThat(
            images
                .listImages(
                    ListImagesRequest.newBuilder()
                        .setPage(PageRequest.newBuilder().setPageSize(10))
                        .build())
                .getImagesList())
        .extracting(Image::getName)
        .contains("grpc-desktop");
    assertThat(version.getState()).isEqualTo(ImageVersionState.IMAGE_VERSION_STATE_AVAILABLE);
    assertThat(version.getDigest()).startsWith("sha256:");
    assertThat(published.getState()).isEqualTo(ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED);
  }

  @Test
  void aVersionsKernelAndInitrdShowOverGrpc() throws IOException {
    ServiceUnderTest rest = new ServiceUnderTest(port);
    UUID image = rest.createImage("grpc-direct");
    String versionId =
        ServiceUnderTest.json(rest.upload(image, TestImages.raw(dir), "").body())
            .path("id")
            .asString();
    byte[] bzImage = new byte[1024];
    bzImage[0x1fe] = 0x55;
    bzImage[0x1ff] = (byte) 0xaa;
    System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, bzImage, 0x202, 4);
    String path = "/api/v1/images/" + image + "/versions/" + versionId;
    rest.send(
        rest.request(path + "/kernel")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bzImage))
            .header("Content-Type", "application/octet-stream")
            .build(),
        200);

    ImageVersion version =
        images.getVersion(GetVersionRequest.newBuilder().setId(versionId).build());

    assertThat(version.getKernelDigest()).startsWith("sha256:");
    assertThat(version.getKernelSizeBytes()).isEqualTo(1024);
    assertThat(version.getInitrdDigest()).isEmpty();
  }

  @Test
  void refusesCallersWithoutTheApiToken() {
    assertThatThrownBy(
            () ->
                ImageServiceGrpc.newBlockingStub(channel)
                    .listImages(ListImagesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("veneer.images.api-token");
            });
  }

  @Test
  void answersFailuresWithStatusCodesThatSayWhatIsWrong() {
    assertThatThrownBy(
            () ->
                images.getImage(
                    GetImageRequest.newBuilder().setId(UUID.randomUUID().toString()).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(
            () -> images.getImage(GetImageRequest.newBuilder().setId("not-a-uuid").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("'not-a-uuid' is not an id (a UUID)");
            });
    images.createImage(
        CreateImageRequest.newBuilder().setImage(Image.newBuilder().setName("twice")).build());
    assertThatThrownBy(
            () ->
                images.createImage(
                    CreateImageRequest.newBuilder()
                        .setImage(Image.newBuilder().setName("twice"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
  }

  @Test
  void uploadsInPiecesResumesWhereTheServiceStandsAndExportsAsAStream() throws Exception {
    Image created =
        images.createImage(
            CreateImageRequest.newBuilder()
                .setImage(Image.newBuilder().setName("grpc-upload"))
                .build());
    byte[] disk = Files.readAllBytes(TestImages.raw(dir));
    String versionId =
        images
            .beginUpload(BeginUploadRequest.newBuilder().setImageId(created.getId()).build())
            .getId();

    ImageVersion partial = send(versionId, disk, 0, 3 << 20);
    StatusRuntimeException resent =
        catchThrowableOfType(StatusRuntimeException.class, () -> send(versionId, disk, 0, 1 << 20));
    long resumeFrom = bytesReceived(resent);
    send(versionId, disk, resumeFrom, disk.length);
    ImageVersion completed =
        images.completeUpload(
            CompleteUploadRequest.newBuilder()
                .setVersionId(versionId)
                .setExpectedDigest(
                    "sha256:"
                        + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(disk)))
                .build());

    assertThat(partial.getBytesReceived()).isEqualTo(3 << 20);
    assertThat(resent.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(resumeFrom).isEqualTo(3 << 20);
    assertThat(completed.getState()).isEqualTo(ImageVersionState.IMAGE_VERSION_STATE_AVAILABLE);

    Path exported = dir.resolve("exported.vmdk");
    ExportHeader header = null;
    try (OutputStream out = Files.newOutputStream(exported)) {
      Iterator<ExportVersionResponse> parts =
          images.exportVersion(
              ExportVersionRequest.newBuilder().setId(versionId).setFormat("vmdk").build());
      while (parts.hasNext()) {
        ExportVersionResponse part = parts.next();
        if (part.hasHeader()) {
          header = part.getHeader();
        } else {
          part.getData().writeTo(out);
        }
      }
    }
    assertThat(header).isNotNull();
    assertThat(header.getFileName()).isEqualTo("grpc-upload-v1.vmdk");
    assertThat(Files.size(exported)).isEqualTo(header.getSizeBytes());
    assertThat(TestImages.formatOf(exported)).isEqualTo("vmdk");
    TestImages.qemuImg("compare", dir.resolve("disk.img").toString(), exported.toString());
    assertThatThrownBy(
            () ->
                images
                    .exportVersion(
                        ExportVersionRequest.newBuilder().setId(versionId).setFormat("iso").build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("vhd, vhdx, vmdk, vdi");
            });
  }

  /** Sends {@code disk[from, to)} in pieces of 1 MiB on one stream; the service's answer. */
  private ImageVersion send(String versionId, byte[] disk, long from, long to) throws Exception {
    CompletableFuture<ImageVersion> answer = new CompletableFuture<>();
    StreamObserver<UploadContentRequest> pieces =
        ImageServiceGrpc.newStub(channel)
            .withInterceptors(ServiceUnderTest.apiToken())
            .uploadContent(Answers.into(answer));
    for (long offset = from; offset < to; offset += 1 << 20) {
      int length = (int) Math.min(1 << 20, to - offset);
      pieces.onNext(
          UploadContentRequest.newBuilder()
              .setVersionId(versionId)
              .setOffset(offset)
              .setData(ByteString.copyFrom(disk, (int) offset, length))
              .build());
    }
    pieces.onCompleted();
    try {
      return answer.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (StatusRuntimeException) e.getCause();
    }
  }

  private static long bytesReceived(StatusRuntimeException e) throws Exception {
    for (Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        return Long.parseLong(detail.unpack(ErrorInfo.class).getMetadataOrThrow("bytes_received"));
      }
    }
    throw new AssertionError("no ErrorInfo in " + e);
  }
}
