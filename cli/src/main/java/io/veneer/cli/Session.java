package io.veneer.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.veneer.api.tls.ClientTls;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where the services are and the caller's token: the generated REST clients, raw requests for what
 * streams (uploads, exports), and gRPC channels, all with {@code Authorization: Bearer}.
 */
record Session(
    URI controlPlane,
    URI images,
    String grpc,
    Path grpcCa,
    boolean grpcPlaintext,
    Supplier<String> token) {

  io.veneer.client.controlplane.ApiClient controlPlaneClient() {
    io.veneer.client.controlplane.ApiClient client = new io.veneer.client.controlplane.ApiClient();
    client.updateBaseUri(controlPlane.toString());
    String bearer = bearer();
    client.setRequestInterceptor(request -> request.header("Authorization", bearer));
    return client;
  }

  io.veneer.client.images.ApiClient imagesClient() {
    io.veneer.client.images.ApiClient client = new io.veneer.client.images.ApiClient();
    client.updateBaseUri(images.toString());
    String bearer = bearer();
    client.setRequestInterceptor(request -> request.header("Authorization", bearer));
    return client;
  }

  /** A request to the image service, authenticated. */
  HttpRequest.Builder imagesRequest(String path) {
    return HttpRequest.newBuilder(images.resolve(path)).header("Authorization", bearer());
  }

  /**
   * A channel to the public gRPC API over TLS, verified against {@code --grpc-ca} (or the JVM's
   * trust store); in clear only with {@code --grpc-plaintext}.
   */
  ManagedChannel grpcChannel() {
    ClientTls tls;
    try {
      tls = new ClientTls(grpcCa, grpcPlaintext, "--grpc-ca/--grpc-plaintext");
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCode.USAGE, e.getMessage());
    }
    return NettyChannelBuilder.forTarget(grpc, tls.credentials(grpc)).build();
  }

  ClientInterceptor grpcCredentials() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), bearer());
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private String bearer() {
    return "Bearer " + token.get();
  }
}
