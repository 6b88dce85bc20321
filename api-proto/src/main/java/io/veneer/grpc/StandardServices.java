package io.veneer.grpc;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import java.util.Set;

/**
 * What every Veneer gRPC server offers beside its own services: the standard health service ({@code
 * grpc.health.v1.Health}, as grpc_health_probe and Kubernetes probes ask it) and server reflection
 * ({@code grpc.reflection.v1}, so grpcurl and other tools need no .proto files). Both answer
 * without a token, like a REST service's health and OpenAPI document: they say what the server
 * offers, never any data.
 */
public final class StandardServices {

  private static final Set<String> NAMES =
      Set.of(HealthGrpc.SERVICE_NAME, ServerReflectionGrpc.SERVICE_NAME);

  private final HealthStatusManager health = new HealthStatusManager();

  private StandardServices() {}

  /** Adds health (NOT_SERVING until {@link #serving}) and reflection to the builder. */
  public static StandardServices addTo(ServerBuilder<?> builder) {
    StandardServices standard = new StandardServices();
    standard.health.setStatus(
        HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    builder.addService(standard.health.getHealthService());
    builder.addService(ProtoReflectionServiceV1.newInstance());
    return standard;
  }

  /** The server started: it and each of its own services answer SERVING. */
  public void serving(Server server) {
    for (ServerServiceDefinition service : server.getServices()) {
      String name = service.getServiceDescriptor().getName();
      if (!isStandard(name)) {
        health.setStatus(name, ServingStatus.SERVING);
      }
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  /** The server is stopping: every service answers NOT_SERVING from now on, for good. */
  public void stopping() {
    health.enterTerminalState();
  }

  /** Whether a service is one of these standard ones rather than the server's own. */
  public static boolean isStandard(String serviceName) {
    return NAMES.contains(serviceName);
  }
}
