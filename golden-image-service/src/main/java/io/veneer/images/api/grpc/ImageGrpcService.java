package io.veneer.images.api.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.CreateImageRequest;
import io.veneer.api.v1.GetImageRequest;
import io.veneer.api.v1.GetVersionRequest;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.Image;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersion;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.api.v1.ImportVersionRequest;
import io.veneer.api.v1.ListImagesRequest;
import io.veneer.api.v1.ListImagesResponse;
import io.veneer.api.v1.ListVersionsRequest;
import io.veneer.api.v1.ListVersionsResponse;
import io.veneer.api.v1.PageResponse;
import io.veneer.images.catalogue.ConflictException;
import io.veneer.images.catalogue.HardwareProfile;
import io.veneer.images.catalogue.IllegalTransitionException;
import io.veneer.images.catalogue.ImageCatalogue;
import io.veneer.images.catalogue.NotFoundException;
import io.veneer.images.upload.ImageRejectedException;
import io.veneer.images.upload.UrlImporter;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * {@code veneer.api.v1.ImageService} over the same {@link ImageCatalogue} as REST; failures map to
 * status codes here, in one place ({@link #answer}).
 */
@Component
public class ImageGrpcService extends ImageServiceGrpc.ImageServiceImplBase {

  private final ImageCatalogue catalogue;
  private final UrlImporter importer;

  public ImageGrpcService(ImageCatalogue catalogue, UrlImporter importer) {
    this.catalogue = catalogue;
    this.importer = importer;
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

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (NotFoundException e) {
      response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (ConflictException e) {
      response.onError(Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IllegalTransitionException e) {
      response.onError(
          Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (ImageRejectedException e) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "Image rejected: " + e.getMessage() + " (version " + e.versionId() + ")")
              .asRuntimeException());
      return;
    } catch (IllegalArgumentException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    response.onNext(result);
    response.onCompleted();
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
    return b.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
