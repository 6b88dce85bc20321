package io.veneer.controlplane.api.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.veneer.controlplane.common.GrpcServers;
import io.veneer.controlplane.common.GrpcTls;
import io.veneer.grpc.StandardServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Serves the public API {@code veneer.api.v1} (desktops, pools, hosts) on {@code
 * veneer.api.grpc-port}. Every call is authenticated first, then handled, and any failure becomes a
 * status code.
 */
@Component
public class ApiGrpcServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ApiGrpcServer.class);

  private final List<BindableService> services;
  private final BearerAuthentication authentication;
  private final ApiGrpcProperties properties;
  private final GrpcTls tls;
  private volatile Server server;
  private volatile StandardServices standardServices;

  ApiGrpcServer(
      DesktopApi desktops,
      PoolApi pools,
      HostApi hosts,
      BearerAuthentication authentication,
      ApiGrpcProperties properties,
      GrpcTls tls) {
    this.services = List.of(desktops, pools, hosts);
    this.authentication = authentication;
    this.properties = properties;
    this.tls = tls;
  }

  @Override
  public void start() {
    if (properties.grpcPort() < 0) {
      return;
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(properties.grpcAddress(), properties.grpcPort()),
            tls.credentials("the public gRPC API"));
    for (BindableService service : services) {
      // The last interceptor runs first: authenticate, read the idempotency key, then handle.
      builder.addService(
          ServerInterceptors.intercept(
              service, new FailureInterceptor(), new IdempotencyKeyHeader(), authentication));
    }
    StandardServices standard = StandardServices.addTo(builder);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve the gRPC API on port "
              + properties.grpcPort()
              + ": is it in use? Set veneer.api.grpc-port",
          e);
    }
    standard.serving(server);
    standardServices = standard;
    log.info("event=api-grpc-started port={}", server.getPort());
  }

  /** The port it listens on once started (useful when configured as 0); -1 when off. */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  /**
   * What it serves of the public API, as registered with gRPC (not the {@link StandardServices}
   * beside it).
   */
  public List<ServerServiceDefinition> services() {
    Server running = server;
    return running == null
        ? List.of()
        : running.getServices().stream()
            .filter(s -> !StandardServices.isStandard(s.getServiceDescriptor().getName()))
            .toList();
  }

  /** Starts before, and stops after, the change feed, so watches are ended before shutdown. */
  @Override
  public int getPhase() {
    return DEFAULT_PHASE - 1;
  }

  @Override
  public void stop() {
    Server running = server;
    if (running != null) {
      standardServices.stopping();
      GrpcServers.stop(running);
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }
}
