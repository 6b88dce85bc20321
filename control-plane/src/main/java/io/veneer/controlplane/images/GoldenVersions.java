package io.veneer.controlplane.images;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.veneer.api.v1.GetImageRequest;
import io.veneer.api.v1.GetVersionRequest;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.Image;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersion;
import io.veneer.api.v1.ImageVersionKind;
import io.veneer.api.v1.ImageVersionState;
import io.veneer.controlplane.pools.DirectKernel;
import io.veneer.controlplane.pools.GuestHardware;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Looks golden image versions up in the golden image service, so that a pool can name its golden
 * image by version id alone (as the public gRPC API does) and still hand agents a digest to fetch.
 * Only published versions are accepted: they are immutable, so the digest stays right forever.
 */
@Component
public class GoldenVersions implements DisposableBean {

  private final GoldenImagesProperties properties;
  private final ManagedChannel channel;

  GoldenVersions(GoldenImagesProperties properties) {
    this.properties = properties;
    this.channel =
        properties.grpcTarget().isBlank()
            ? null
            : NettyChannelBuilder.forTarget(
                    properties.grpcTarget(), properties.tls().credentials(properties.grpcTarget()))
                .build();
  }

  /**
   * The published version {@code versionId}.
   *
   * @throws IllegalArgumentException when lookups are off, or the version does not exist or is not
   *     published: the caller can act on it
   * @throws GoldenImageServiceUnavailableException when the service does not answer
   */
  public GoldenVersion published(String versionId) {
    if (channel == null) {
      throw new IllegalArgumentException(
          "Name the golden image's digest (goldenDigest): this control plane does not look"
              + " versions up, since veneer.images.grpc-target is not set");
    }
    ImageServiceGrpc.ImageServiceBlockingStub images =
        ImageServiceGrpc.newBlockingStub(channel)
            .withCallCredentials(new Bearer(properties.apiToken()))
            .withDeadlineAfter(properties.timeoutMillis(), TimeUnit.MILLISECONDS);
    try {
      ImageVersion version =
          images.getVersion(GetVersionRequest.newBuilder().setId(versionId).build());
      if (version.getState() != ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED) {
        throw new IllegalArgumentException(
            "Golden image version "
                + versionId
                + " is "
                + version.getState().name().replace("IMAGE_VERSION_STATE_", "")
                + "; pools take published versions only, so publish it first");
      }
      Image image =
          images.getImage(GetImageRequest.newBuilder().setId(version.getImageId()).build());
      return new GoldenVersion(
          image.getName(),
          version.getId(),
          version.getDigest(),
          hardware(image, versionId),
          new DirectKernel(
              version.getKernelDigest(),
              version.getInitrdDigest(),
              image.getHardware().getKernelCmdline()),
          version.getKind() == ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS,
          version.getCarriesKernel());
    } catch (StatusRuntimeException e) {
      throw switch (e.getStatus().getCode()) {
        case NOT_FOUND ->
            new IllegalArgumentException(
                "Golden image version "
                    + versionId
                    + " does not exist in the golden image service");
        case INVALID_ARGUMENT ->
            new IllegalArgumentException(
                "Golden image version " + versionId + " is not a valid version id");
        default ->
            new GoldenImageServiceUnavailableException(
                "The golden image service at "
                    + properties.grpcTarget()
                    + " did not answer ("
                    + e.getStatus().getCode()
                    + "); try again, or check that it runs and veneer.images.api-token is right",
                e);
      };
    }
  }

  /**
   * The image's hardware defaults as a pool's hardware; fields the image leaves empty take their
   * defaults.
   *
   * @throws IllegalArgumentException when no pool can use it
   */
  private static GuestHardware hardware(Image image, String versionId) {
    HardwareDefaults defaults = image.getHardware();
    try {
      return new GuestHardware(
          defaults.getMachine(),
          defaults.getFirmware(),
          defaults.getBootMode(),
          defaults.getDisplay());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Golden image "
              + image.getName()
              + " (version "
              + versionId
              + ") cannot back a pool: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void destroy() {
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  private static final class Bearer extends CallCredentials {

    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String token;

    Bearer(String token) {
      this.token = token;
    }

    @Override
    public void applyRequestMetadata(
        RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
      Metadata headers = new Metadata();
      if (!token.isBlank()) {
        headers.put(AUTHORIZATION, "Bearer " + token);
      }
      applier.apply(headers);
    }
  }
}
