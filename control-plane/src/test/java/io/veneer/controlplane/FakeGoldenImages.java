package io.veneer.controlplane;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.veneer.api.v1.GetImageRequest;
import io.veneer.api.v1.GetVersionRequest;
import io.veneer.api.v1.HardwareDefaults;
import io.veneer.api.v1.Image;
import io.veneer.api.v1.ImageServiceGrpc;
import io.veneer.api.v1.ImageVersion;
import io.veneer.api.v1.ImageVersionKind;
import io.veneer.api.v1.ImageVersionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The golden image service's catalogue lookups as the control plane uses them (GetVersion,
 * GetImage), over real gRPC on loopback: our own seam, standing in for the other service.
 */
public final class FakeGoldenImages {

  public static final String API_TOKEN = "test-images-token";

  private final Map<String, ImageVersion> versions = new ConcurrentHashMap<>();
  private final Map<String, Image> images = new ConcurrentHashMap<>();
  private final Server server;

  public FakeGoldenImages() {
    try {
      server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress("127.0.0.1", 0),
                  TlsServerCredentials.create(
                      TestTls.CA.serverCertificate().toFile(), TestTls.CA.serverKey().toFile()))
              .addService(ServerInterceptors.intercept(new Catalogue(), new TokenCheck()))
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** A new version of image {@code name} in {@code state}; returns its id. */
  public String version(String name, String digest, ImageVersionState state) {
    return version(name, digest, state, HardwareDefaults.getDefaultInstance());
  }

  /**
   * A new version of image {@code name} in {@code state}, the image asking for {@code hardware};
   * returns its id.
   */
  public String version(
      String name, String digest, ImageVersionState state, HardwareDefaults hardware) {
    return version(name, digest, state, hardware, "", "");
  }

  /**
   * A new published version of image {@code name} whose bits are a root-filesystem tar without its
   * own kernel (a container's).
   */
  public String rootFilesystemVersion(String name, String digest) {
    return rootFilesystemVersion(name, digest, false);
  }

  /** As {@link #rootFilesystemVersion(String, String)}, its tree carrying a kernel or not. */
  public String rootFilesystemVersion(String name, String digest, boolean carriesKernel) {
    String id = version(name, digest, ImageVersionState.IMAGE_VERSION_STATE_PUBLISHED);
    versions.put(
        id,
        versions.get(id).toBuilder()
            .setKind(ImageVersionKind.IMAGE_VERSION_KIND_ROOTFS)
            .setCarriesKernel(carriesKernel)
            .build());
    return id;
  }

  /**
   * A new version as {@link #version(String, String, ImageVersionState, HardwareDefaults)},
   * carrying a kernel and an initrd (empty digests: none); returns its id.
   */
  public String version(
      String name,
      String digest,
      ImageVersionState state,
      HardwareDefaults hardware,
      String kernelDigest,
      String initrdDigest) {
    String imageId = UUID.randomUUID().toString();
    images.put(
        imageId, Image.newBuilder().setId(imageId).setName(name).setHardware(hardware).build());
    String id = UUID.randomUUID().toString();
    versions.put(
        id,
        ImageVersion.newBuilder()
            .setId(id)
            .setImageId(imageId)
            .setNumber(1)
            .setState(state)
            .setDigest(digest)
            .setKernelDigest(kernelDigest)
            .setInitrdDigest(initrdDigest)
            .build());
    return id;
  }

  private final class Catalogue extends ImageServiceGrpc.ImageServiceImplBase {

    @Override
    public void getVersion(GetVersionRequest request, StreamObserver<ImageVersion> out) {
      answer(versions.get(request.getId()), "version " + request.getId(), out);
    }

    @Override
    public void getImage(GetImageRequest request, StreamObserver<Image> out) {
      answer(images.get(request.getId()), "image " + request.getId(), out);
    }

    private <T> void answer(T found, String what, StreamObserver<T> out) {
      if (found == null) {
        out.onError(Status.NOT_FOUND.withDescription("No " + what).asRuntimeException());
        return;
      }
      out.onNext(found);
      out.onCompleted();
    }
  }

  private static final class TokenCheck implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION =
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (!("Bearer " + API_TOKEN).equals(headers.get(AUTHORIZATION))) {
        call.close(Status.UNAUTHENTICATED.withDescription("wrong API token"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
