package io.veneer.testsupport.grpc;

import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks a gRPC server's standard services what a tool would (grpc_health_probe, grpcurl), with no
 * token: the health of a service ("" = the server) and the services reflection lists.
 */
public final class StandardServicesProbe {

  private StandardServicesProbe() {}

  public static ServingStatus health(Channel channel, String service) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  /** The services reflection names, as {@code grpcurl list} shows them. */
  public static List<String> reflectedServices(Channel channel) throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(Answers.into(answer));
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    try {
      return answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
          .map(ServiceResponse::getName)
          .toList();
    } finally {
      requests.onCompleted();
    }
  }
}
