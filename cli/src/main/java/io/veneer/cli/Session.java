package io.veneer.cli;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.function.Supplier;

/**
 * Where the services are and the caller's token: the generated REST clients, raw requests for what
 * streams (uploads, exports), and gRPC channels, all with {@code Authorization: Bearer}.
 */
record Session(URI controlPlane, URI images, String grpc, Supplier<String> token) {

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

  /** A channel to the public gRPC API on loopback or a trusted network (plaintext). */
  ManagedChannel grpcChannel() {
    return NettyChannelBuilder.forTarget(grpc).usePlaintext().build();
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
