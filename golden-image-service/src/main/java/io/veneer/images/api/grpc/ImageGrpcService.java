package io.veneer.images.api.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
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
import io.veneer.api.v1.ImageVersionKind;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.ImportOvaRequest;
import io.veneer.api.v1.ImportOvaResponse;
import io.veneer.api.v1.ImportVersionRequest;
import io.veneer.api.v1.ListImagesRequest;
import io.veneer.api.v1.ListImagesResponse;
import io.veneer.api.v1.ListVersionsRequest;
import io.veneer.api.v1.ListVersionsResponse;
import io.veneer.api.v1.PageResponse;
import io.veneer.api.v1.UploadContentRequest;
import io.veneer.images.api.Failure;
import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.VersionKind;
import io.veneer.images.export.VersionExporter;
import io.veneer.images.ova.OvaImporter;
import io.veneer.images.upload.UploadService;
import io.veneer.images.upload.UrlImporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code veneer.api.v1.ImageService} over the same {@link ImageCatalogue} as REST; failures become
 * statuses through {@link #status}, from the table REST's problems come from too.
 */
@Component
public class ImageGrpcService extends ImageServiceGrpc.ImageServiceImplBase {

  private static final Logger log = LoggerFactory.getLogger(ImageGrpcService.class);

  /** The largest piece of an upload one message may carry. */
  static final int MAX_PIECE_BYTES = 1 << 20;

  private final ImageCatalogue catalogue;
  private final UrlImporter importer;
  private final UploadService uploads;
  private final VersionExporter exporter;
  private final OvaImporter ovaImporter;

  public ImageGrpcService(
      ImageCatalogue catalogue,
      UrlImporter importer,
      UploadService uploads,
      VersionExporter exporter,
      OvaImporter ovaImporter) {
    this.catalogue = catalogue;
    this.importer = importer;
    this.uploads = uploads;
    this.exporter = exporter;
    this.ovaImporter = ovaImporter;
  }

  @Override
  public void createImage(CreateImageRequest request, StreamObserver<Image> response) {
    answer(
        response,
        () -> {
          HardwareDefaults hw = request.getImage().getHardware();
          HardwareProfile profile =
              request.getImage().hasHardware()
                  ? new HardwareProfile(
                      hw.getMachine(),
                      hw.getFirmware(),
                      hw.getVcpus() == 0 ? 2 : hw.getVcpus(),
                      hw.getMemoryMib() == 0 ? 2048 : hw.getMemoryMib(),
                      hw.getBootMode(),
                      hw.getKernelCmdline(),
                      hw.getDisplay())
                  : null;
          return image(
              catalogue.createImage(
                  request.getImage().getName(),
                  request.getImage().getDescription(),
                  request.getImage().getOs(),
                  profile));
        });
  }

  @Override
  public void getImage(GetImageRequest request, StreamObserver<Image> response) {
    answer(response, () -> image(catalogue.image(uuid(request.getId()))));
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> response) {
    answer(
        response,
        () -> {
          int size =
              request.getPage().getPageSize() <= 0
                  ? 50
                  : Math.min(request.getPage().getPageSize(), 500);
          List<io.veneer.images.catalogue.Image> page =
              catalogue.images(request.getPage().getPageToken(), size + 1);
          boolean more = page.size() > size;
          List<io.veneer.images.catalogue.Image> items = more ? page.subList(0, size) : page;
          return ListImagesResponse.newBuilder()
              .addAllImages(items.stream().map(ImageGrpcService::image).toList())
              .setPage(
                  PageResponse.newBuilder().setNextPageToken(more ? items.getLast().name() : ""))
              .build();
        });
  }

  @Override
  public void listVersions(
      ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
    answer(
        response,
        () ->
            ListVersionsResponse.newBuilder()
                .addAllVersions(
                    catalogue.versions(uuid(request.getImageId())).stream()
                        .map(ImageGrpcService::version)
                        .toList())
                .build());
  }

  @Override
  public void getVersion(GetVersionRequest request, StreamObserver<ImageVersion> response) {
    answer(response, () -> version(byId(request.getId())));
  }

  @Override
  public void importVersion(ImportVersionRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          try {
            return version(
                importer.importFrom(
                    uuid(request.getImageId()), request.getUrl(), request.getExpectedDigest()));
          } catch (IOException e) {
            throw Status.UNAVAILABLE
                .withDescription("Import failed: " + e.getMessage())
                .asRuntimeException();
          }
        });
  }

  @Override
  public void publishVersion(GetVersionRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          var v = byId(request.getId());
          return version(catalogue.publish(v.image().id(), v.id()));
        });
  }

  @Override
  public void deprecateVersion(GetVersionRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          var v = byId(request.getId());
          return version(catalogue.deprecate(v.image().id(), v.id()));
        });
  }

  @Override
  public void deleteVersion(GetVersionRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          var v = byId(request.getId());
          return version(catalogue.delete(v.image().id(), v.id()));
        });
  }

  private io.veneer.images.catalogue.ImageVersion byId(String id) {
    return catalogue.versionById(uuid(id));
  }

  @Override
  public void beginUpload(BeginUploadRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          UUID imageId = uuid(request.getImageId());
          catalogue.image(imageId);
          VersionKind kind =
              request.getKind() == ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS
                  ? VersionKind.ROOTFS
                  : VersionKind.DISK;
          return version(io(() -> uploads.begin(imageId, kind)));
        });
  }

  @Override
  public StreamObserver<UploadContentRequest> uploadContent(StreamObserver<ImageVersion> response) {
    return new UploadPieces(response);
  }

  /**
   * One upload stream: each piece is appended whole where the upload stands, so a stream cut off
   * midway keeps every piece that arrived and the client resumes from the version's bytes_received.
   */
  private final class UploadPieces implements StreamObserver<UploadContentRequest> {

    private final StreamObserver<ImageVersion> response;
    private io.veneer.images.catalogue.ImageVersion current;
    private boolean failed;

    UploadPieces(StreamObserver<ImageVersion> response) {
      this.response = response;
    }

    @Override
    public void onNext(UploadContentRequest piece) {
      if (failed) {
        return;
      }
      try {
        if (piece.getData().size() > MAX_PIECE_BYTES) {
          throw new IllegalArgumentException(
              "A piece holds at most " + MAX_PIECE_BYTES + " bytes; send smaller pieces");
        }
        if (current != null && !current.id().toString().equals(piece.getVersionId())) {
          throw new IllegalArgumentException(
              "One stream uploads one version: " + current.id() + ", not " + piece.getVersionId());
        }
        var v = byId(piece.getVersionId());
        current =
            io(
                () ->
                    uploads.append(
                        v.image().id(), v.id(), piece.getOffset(), piece.getData().newInput()));
      } catch (RuntimeException e) {
        failed = true;
        response.onError(status(e));
      }
    }

    @Override
    public void onError(Throwable t) {
      // The client went away: the pieces that arrived whole are kept for it to resume.
    }

    @Override
    public void onCompleted() {
      if (failed) {
        return;
      }
      if (current == null) {
        response.onError(
            Status.INVALID_ARGUMENT
                .withDescription("The stream sent no piece")
                .asRuntimeException());
        return;
      }
      response.onNext(version(current));
      response.onCompleted();
    }
  }

  @Override
  public void completeUpload(CompleteUploadRequest request, StreamObserver<ImageVersion> response) {
    answer(
        response,
        () -> {
          var v = byId(request.getVersionId());
          return version(
              io(() -> uploads.complete(v.image().id(), v.id(), request.getExpectedDigest())));
        });
  }

  @Override
  public void exportVersion(
      ExportVersionRequest request, StreamObserver<ExportVersionResponse> response) {
    VersionExporter.Export export;
    try {
      var v = byId(request.getId());
      export = io(() -> exporter.export(v.image().id(), v.id(), request.getFormat()));
    } catch (RuntimeException e) {
      response.onError(status(e));
      return;
    }
    new ExportStream(export, (ServerCallStreamObserver<ExportVersionResponse>) response).start();
  }

  @Override
  public StreamObserver<ImportOvaRequest> importOva(StreamObserver<ImportOvaResponse> response) {
    return OvaImportStream.open(ovaImporter, response);
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (RuntimeException e) {
      response.onError(status(e));
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  /** A failure as a status, from the table REST answers from too ({@link Failure}). */
  static StatusRuntimeException status(RuntimeException failure) {
    if (failure instanceof StatusRuntimeException already) {
      return already;
    }
    return Failure.of(failure).map(Failure::status).orElseThrow(() -> failure);
  }

  /**
   * Sends an export's header, then its bytes as fast as the client reads them (never more than the
   * transport's buffer ahead), and deletes the converted file at the end or when the client goes.
   */
  private static final class ExportStream implements Runnable {

    private final VersionExporter.Export export;
    private final ServerCallStreamObserver<ExportVersionResponse> response;
    private final byte[] piece = new byte[MAX_PIECE_BYTES];
    private InputStream in;
    private boolean done;

    ExportStream(
        VersionExporter.Export export, ServerCallStreamObserver<ExportVersionResponse> response) {
      this.export = export;
      this.response = response;
    }

    void start() {
      response.setOnCancelHandler(this::close);
      response.setOnReadyHandler(this);
    }

    @Override
    public synchronized void run() {
      if (done) {
        return;
      }
      try {
        if (in == null) {
          in = Files.newInputStream(export.file());
          response.onNext(
              ExportVersionResponse.newBuilder()
                  .setHeader(
                      ExportHeader.newBuilder()
                          .setFileName(export.fileName())
                          .setSizeBytes(Files.size(export.file()))
                          .setFormat(export.format()))
                  .build());
        }
        while (response.isReady()) {
          int n = in.readNBytes(piece, 0, piece.length);
          if (n == 0) {
            close();
            response.onCompleted();
            return;
          }
          response.onNext(
              ExportVersionResponse.newBuilder().setData(ByteString.copyFrom(piece, 0, n)).build());
        }
      } catch (IOException e) {
        close();
        response.onError(
            Status.UNAVAILABLE
                .withDescription("Cannot read the export: " + e.getMessage())
                .asRuntimeException());
      }
    }

    private synchronized void close() {
      done = true;
      try {
        if (in != null) {
          in.close();
        }
        Files.deleteIfExists(export.file());
      } catch (IOException e) {
        log.warn("event=export-cleanup-failed file={} reason={}", export.file(), e.getMessage());
      }
    }
  }

  private interface IoCall<T> {
    T call() throws IOException;
  }

  private static <T> T io(IoCall<T> call) {
    try {
      return call.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + id + "' is not an id (a UUID)", e);
    }
  }

  static Image image(io.veneer.images.catalogue.Image image) {
    HardwareProfile hw = image.hardware();
    return Image.newBuilder()
        .setId(image.id().toString())
        .setName(image.name())
        .setDescription(image.description())
        .setOs(image.os())
        .setHardware(
            HardwareDefaults.newBuilder()
                .setMachine(hw.machine())
                .setFirmware(hw.firmware())
                .setVcpus(hw.vcpus())
                .setMemoryMib(hw.memoryMib())
                .setBootMode(hw.bootMode())
                .setKernelCmdline(hw.kernelCmdline())
                .setDisplay(hw.display()))
        .setCreatedAt(timestamp(image.createdAt()))
        .build();
  }

  static ImageVersion version(io.veneer.images.catalogue.ImageVersion v) {
    ImageVersion.Builder b =
        ImageVersion.newBuilder()
            .setId(v.id().toString())
            .setImageId(v.image().id().toString())
            .setNumber(v.number())
            .setKind(
                v.kind() == VersionKind.ROOTFS
                    ? ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS
                    : ImageVersionKind.IMAGE_VERSION_KIND_DISK)
            .setCarriesKernel(Boolean.TRUE.equals(v.carriesKernel()))
            .setState(ImageVersionState.valueOf("IMAGE_VERSION_STATE_" + v.state().name()))
            .setBytesReceived(v.bytesReceived())
            .setCreatedAt(timestamp(v.createdAt()));
    if (v.rejectionReason() != null) {
      b.setRejectionReason(v.rejectionReason());
    }
    if (v.digest() != null) {
      b.setDigest(v.digest()).setSizeBytes(v.sizeBytes()).setVirtualSizeBytes(v.virtualSizeBytes());
      b.setSourceFormat(v.sourceFormat()).setSourceDigest(v.sourceDigest());
    }
    if (v.publishedAt() != null) {
      b.setPublishedAt(timestamp(v.publishedAt()));
    }
    if (v.kernelDigest() != null) {
      b.setKernelDigest(v.kernelDigest()).setKernelSizeBytes(v.kernelSizeBytes());
    }
    if (v.initrdDigest() != null) {
      b.setInitrdDigest(v.initrdDigest()).setInitrdSizeBytes(v.initrdSizeBytes());
    }
    return b.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
