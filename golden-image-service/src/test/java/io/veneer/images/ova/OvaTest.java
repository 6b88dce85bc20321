package io.veneer.images.ova;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.veneer.api.tls.ClientTls;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.ImportOvaHeader;
import io.veneer.api.v1.ImportOvaRequest;
import io.veneer.api.v1.ImportOvaResponse;
import io.veneer.client.images.ApiClient;
import io.veneer.client.images.ApiException;
import io.veneer.client.images.api.ImagesApi;
import io.veneer.client.images.model.ImportedOva;
import io.veneer.images.ServiceUnderTest;
import io.veneer.images.TestImages;
import io.veneer.images.api.grpc.GrpcServer;
import io.veneer.images.blobs.BlobStore;
import io.veneer.images.blobs.Digest;
import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.testsupport.grpc.Answers;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
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
  @Autowired BlobStore blobs;
  @Autowired ImageCatalogue catalogue;
  @Autowired GrpcServer grpc;
  @Autowired DesktopOvaExporter desktopOvas;
  @TempDir Path dir;
  private ServiceUnderTest service;
  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    service = new ServiceUnderTest(port);
  }

  @AfterEach
  void disconnect() {
    if (channel != null) {
      channel.shutdownNow();
    }
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

  @Test
  void importsAnExportedOvaWithTheSameHardwareAndTheSameDisk() throws Exception {
    Path raw = TestImages.raw(dir);
    UUID[] original = uploadedVersion("round-trip", UEFI_DESKTOP, raw);
    Path ova = exportedOva(original);

    HttpResponse<String> imported = importOva(ova, "?name=round-trip-back");

    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
    JsonNode body = ServiceUnderTest.json(imported.body());
    JsonNode hardware = body.path("image").path("hardware");
    JsonNode originalHardware =
        ServiceUnderTest.json(
                service.send(service.request("/api/v1/images/" + original[0]).build(), 200))
            .path("hardware");
    assertThat(hardware).isEqualTo(originalHardware);
    assertThat(hardware.path("firmware").asString()).isEqualTo("uefi");
    assertThat(body.path("image").path("name").asString()).isEqualTo("round-trip-back");
    assertThat(body.path("image").path("os").asString()).isEqualTo("debian-12");
    assertThat(body.path("version").path("state").asString()).isEqualTo("AVAILABLE");
    // Both disks read in full: the imported version's blob against the uploaded raw disk.
    Path blob =
        blobs.find(Digest.parse(body.path("version").path("digest").asString())).orElseThrow();
    run(dir, "qemu-img", "compare", "-f", "qcow2", "-F", "raw", blob.toString(), raw.toString());
  }

  @Test
  void theGeneratedClientSendsTheOvasBytesAndGetsTheImportedImage() throws Exception {
    Path raw = TestImages.raw(dir);
    Path ova = exportedOva(uploadedVersion("client-round-trip", UEFI_DESKTOP, raw));

    ImportedOva imported = generatedClient().importOva(ova.toFile(), "client-round-trip-back");

    assertThat(imported.getImage().getName()).isEqualTo("client-round-trip-back");
    assertThat(imported.getImage().getHardware().getFirmware()).isEqualTo("uefi");
    assertThat(imported.getImage().getHardware().getVcpus()).isEqualTo(4);
    assertThat(imported.getVersion().getState()).isEqualTo("AVAILABLE");
    Path blob = blobs.find(Digest.parse(imported.getVersion().getDigest())).orElseThrow();
    run(dir, "qemu-img", "compare", "-f", "qcow2", "-F", "raw", blob.toString(), raw.toString());
  }

  @Test
  void theGeneratedClientGetsAHostileOvasRefusalAsAProblem() throws Exception {
    Path ova = hostile("a disk outside the archive");

    assertThatThrownBy(() -> generatedClient().importOva(ova.toFile(), null))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getResponseBody()).contains("only plain file names inside the archive");
            });
  }

  /** Hostile OVAs (see {@link #hostile}) and what the refusal of each says. */
  private static final String HOSTILE_OVAS =
      """
      an external entity (XXE)           | DOCTYPE
      a disk outside the archive         | only plain file names inside the archive
      a disk whose own header is 64 GiB  | the disk was refused
      a disk the manifest does not match | does not match the manifest
      a disk before the descriptor       | begins with its .ovf descriptor
      a symbolic link                    | not a plain file
      """;

  @ParameterizedTest(name = "refuses {0} and keeps nothing")
  @CsvSource(delimiter = '|', textBlock = HOSTILE_OVAS)
  void refusesAHostileOvaWithAReasonAndKeepsNothing(String what, String reason) throws Exception {
    int imagesBefore = catalogue.images("", 1000).size();
    Path ova = hostile(what);

    HttpResponse<String> refused = importOva(ova, "");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(ServiceUnderTest.json(refused.body()).path("detail").asString()).contains(reason);
    assertThat(catalogue.images("", 1000)).hasSize(imagesBefore);
  }

  @Test
  void importsAnExportedOvaOverGrpcWithTheSameHardwareAndTheSameDisk() throws Exception {
    Path raw = TestImages.raw(dir);
    UUID[] original = uploadedVersion("grpc-round-trip", UEFI_DESKTOP, raw);
    Path ova = exportedOva(original);

    ImportOvaResponse imported = importOvaOverGrpc(ova, "grpc-round-trip-back").get(60, SECONDS);

    assertThat(imported.getImage().getName()).isEqualTo("grpc-round-trip-back");
    assertThat(imported.getImage().getHardware())
        .isEqualTo(
            HardwareDefaults.newBuilder()
                .setMachine("q35")
                .setFirmware("uefi")
                .setVcpus(4)
                .setMemoryMib(6144)
                .setBootMode("disk")
                .setDisplay(true)
                .build());
    assertThat(imported.getVersion().getState())
        .isEqualTo(ImageVersionState.IMAGE_VERSION_STATE_AVAILABLE);
    Path blob = blobs.find(Digest.parse(imported.getVersion().getDigest())).orElseThrow();
    run(dir, "qemu-img", "compare", "-f", "qcow2", "-F", "raw", blob.toString(), raw.toString());
  }

  @Test
  void exportsADesktopsWritesFlattenedOntoItsGoldenVersionWithItsHardware() throws Exception {
    Path raw = TestImages.raw(dir);
    UUID[] golden = uploadedVersion("desktop-golden", UEFI_DESKTOP, raw);
    Path goldenBlob =
        blobs.find(Digest.parse(catalogue.version(golden[0], golden[1]).digest())).orElseThrow();
    // The desktop's overlay as its agent keeps it, a file its user wrote, then the overlay as it
    // travels: its backing reference cleared.
    Path overlay = dir.resolve("overlay.qcow2");
    run(
        dir,
        "qemu-img",
        "create",
        "-q",
        "-f",
        "qcow2",
        "-b",
        goldenBlob.toString(),
        "-F",
        "qcow2",
        overlay.toString());
    run(dir, "qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 2M 64k", overlay.toString());
    Path flattened = dir.resolve("flattened.raw");
    run(
        dir,
        "qemu-img",
        "convert",
        "-f",
        "qcow2",
        "-O",
        "raw",
        overlay.toString(),
        flattened.toString());
    Path writes = Files.copy(overlay, dir.resolve("writes.qcow2"));
    run(dir, "qemu-img", "rebase", "-u", "-f", "qcow2", "-b", "", writes.toString());
    HardwareProfile pools = new HardwareProfile("q35", "uefi", 2, 3072, "disk", "", true);

    Path ova =
        desktopOvas.export(
            new DesktopOvaExporter.DesktopDisk("desk-7", golden[0], golden[1], pools, writes));

    try {
      HttpResponse<String> imported = importOva(ova, "");
      assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
      JsonNode body = ServiceUnderTest.json(imported.body());
      assertThat(body.path("image").path("name").asString()).isEqualTo("desk-7");
      assertThat(body.path("image").path("hardware").path("vcpus").asInt()).isEqualTo(2);
      assertThat(body.path("image").path("hardware").path("memoryMib").asLong()).isEqualTo(3072);
      assertThat(body.path("image").path("hardware").path("firmware").asString()).isEqualTo("uefi");
      Path blob =
          blobs.find(Digest.parse(body.path("version").path("digest").asString())).orElseThrow();
      // Read in full: the imported disk is the golden image with the user's write on it.
      run(
          dir,
          "qemu-img",
          "compare",
          "-f",
          "qcow2",
          "-F",
          "raw",
          blob.toString(),
          flattened.toString());
      byte[] written = new byte[4];
      try (var in = Files.newInputStream(flattened)) {
        in.skipNBytes(2 << 20);
        in.readNBytes(written, 0, 4);
      }
      assertThat(written).containsOnly((byte) 0x5a);
    } finally {
      Files.deleteIfExists(ova);
    }
  }

  @Test
  void refusesToExportADesktopWhoseWritesStillNameABackingFile() throws Exception {
    Path raw = TestImages.raw(dir);
    UUID[] golden = uploadedVersion("desktop-golden-2", UEFI_DESKTOP, raw);
    Path overlay = dir.resolve("overlay.qcow2");
    run(
        dir,
        "qemu-img",
        "create",
        "-q",
        "-f",
        "qcow2",
        "-b",
        raw.toString(),
        "-F",
        "raw",
        overlay.toString());

    assertThatThrownBy(
            () ->
                desktopOvas.export(
                    new DesktopOvaExporter.DesktopDisk(
                        "desk-8", golden[0], golden[1], HardwareProfile.DEFAULT, overlay)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("The desktop's writes were refused");
  }

  @ParameterizedTest(name = "refuses {0} over gRPC and keeps nothing")
  @CsvSource(delimiter = '|', textBlock = HOSTILE_OVAS)
  void refusesAHostileOvaOverGrpcWithTheReasonInItsDetails(String what, String reason)
      throws Exception {
    int imagesBefore = catalogue.images("", 1000).size();
    Path ova = hostile(what);

    StatusRuntimeException refused = refusal(importOvaOverGrpc(ova, ""));

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains(reason);
    ErrorInfo info = StatusProto.fromThrowable(refused).getDetails(0).unpack(ErrorInfo.class);
    assertThat(info.getReason()).isEqualTo("OVA_REFUSED");
    assertThat(info.getMetadataOrThrow("problem")).contains(reason);
    assertThat(catalogue.images("", 1000)).hasSize(imagesBefore);
  }

  @Test
  void refusesAGrpcImportThatSendsBytesBeforeItsHeader() throws Exception {
    var answer = new CompletableFuture<ImportOvaResponse>();
    StreamObserver<ImportOvaRequest> stream = grpcImages().importOva(Answers.into(answer));
    stream.onNext(ImportOvaRequest.newBuilder().setData(ByteString.copyFromUtf8("x")).build());
    stream.onCompleted();

    StatusRuntimeException refused = refusal(answer);

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains("first message").contains("header");
  }

  @Test
  void refusesAnImportWithoutAToken() throws Exception {
    HttpResponse<String> refused =
        service.sendForString(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/images/ova"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertThat(refused.statusCode()).isEqualTo(401);
  }

  private Path hostile(String what) throws Exception {
    Path disk = TestImages.converted(TestImages.raw(dir), "vmdk");
    byte[] diskBytes = Files.readAllBytes(disk);
    String descriptor = new String(OvfWriter.write(descriptorOf(diskBytes.length)), UTF_8);
    SequencedMap<String, byte[]> files = new LinkedHashMap<>();
    switch (what) {
      case "an external entity (XXE)" -> {
        files.put(
            "x.ovf",
            descriptor
                .replace(
                    "<Envelope",
                    "<!DOCTYPE Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Envelope")
                .replace("A desktop", "&x;")
                .getBytes(UTF_8));
        files.put("x-disk1.vmdk", diskBytes);
      }
      case "a disk outside the archive" -> {
        files.put(
            "x.ovf", descriptor.replace("\"x-disk1.vmdk\"", "\"../x-disk1.vmdk\"").getBytes(UTF_8));
        files.put("x-disk1.vmdk", diskBytes);
      }
      case "a disk whose own header is 64 GiB" -> {
        Path bomb = dir.resolve("bomb.vmdk");
        TestImages.qemuImg(
            "create", "-f", "vmdk", "-o", "subformat=streamOptimized", bomb.toString(), "64G");
        byte[] bombBytes = Files.readAllBytes(bomb);
        files.put("x.ovf", OvfWriter.write(descriptorOf(bombBytes.length)));
        files.put("x-disk1.vmdk", bombBytes);
      }
      case "a disk the manifest does not match" -> {
        files.put("x.ovf", descriptor.getBytes(UTF_8));
        files.put(
            "x.mf",
            Manifest.sha256(
                    Map.of(
                        "x.ovf", OvaExporter.sha256(descriptor.getBytes(UTF_8)),
                        "x-disk1.vmdk", OvaExporter.sha256(new byte[] {1})))
                .bytes());
        files.put("x-disk1.vmdk", diskBytes);
      }
      case "a disk before the descriptor" -> {
        files.put("x-disk1.vmdk", diskBytes);
        files.put("x.ovf", descriptor.getBytes(UTF_8));
      }
      case "a symbolic link" -> {
        files.put("x.ovf", descriptor.getBytes(UTF_8));
        files.put("x-disk1.vmdk", diskBytes);
        Path ova = TestOvas.write(dir.resolve("hostile.ova"), files);
        return TestOvas.retype(ova, 1, '2');
      }
      default -> throw new IllegalArgumentException(what);
    }
    return TestOvas.write(dir.resolve("hostile.ova"), files);
  }

  private static OvfDescriptor descriptorOf(long diskSize) {
    return new OvfDescriptor(
        "x",
        "A desktop",
        "debian-12",
        HardwareProfile.DEFAULT,
        new OvfDescriptor.Disk("x-disk1.vmdk", diskSize, 8L << 20));
  }

  /** api-client's generated REST client, as automation uses it. */
  private ImagesApi generatedClient() {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    client.setRequestInterceptor(
        request -> request.header("Authorization", "Bearer " + ServiceUnderTest.API_TOKEN));
    return new ImagesApi(client);
  }

  private HttpResponse<String> importOva(Path ova, String query) throws Exception {
    return service.sendForString(
        service
            .request("/api/v1/images/ova" + query)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofFile(ova))
            .build());
  }

  /** Sends the OVA in pieces of 1 MiB after its header, as a client of ImportOva does. */
  private CompletableFuture<ImportOvaResponse> importOvaOverGrpc(Path ova, String name)
      throws IOException {
    var answer = new CompletableFuture<ImportOvaResponse>();
    StreamObserver<ImportOvaRequest> stream = grpcImages().importOva(Answers.into(answer));
    stream.onNext(
        ImportOvaRequest.newBuilder()
            .setHeader(ImportOvaHeader.newBuilder().setName(name))
            .build());
    try (InputStream in = Files.newInputStream(ova)) {
      for (byte[] piece = in.readNBytes(1 << 20);
          piece.length > 0;
          piece = in.readNBytes(1 << 20)) {
        stream.onNext(ImportOvaRequest.newBuilder().setData(ByteString.copyFrom(piece)).build());
      }
    }
    stream.onCompleted();
    return answer;
  }

  private ImageServiceGrpc.ImageServiceStub grpcImages() {
    if (channel == null) {
      String target = "127.0.0.1:" + grpc.port();
      channel =
          NettyChannelBuilder.forAddress(
                  "127.0.0.1",
                  grpc.port(),
                  new ClientTls(ServiceUnderTest.CA.caCertificate(), false, "test")
                      .credentials(target))
              .build();
    }
    return ImageServiceGrpc.newStub(channel).withInterceptors(ServiceUnderTest.apiToken());
  }

  private static StatusRuntimeException refusal(CompletableFuture<?> answer) {
    ExecutionException failed =
        catchThrowableOfType(ExecutionException.class, () -> answer.get(60, SECONDS));
    assertThat(failed).as("the import was refused").isNotNull();
    assertThat(failed.getCause()).isInstanceOf(StatusRuntimeException.class);
    return (StatusRuntimeException) failed.getCause();
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
