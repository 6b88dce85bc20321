package io.veneer.images.api.grpc;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.veneer.grpc.StandardServices;
import io.veneer.images.ImagesProperties;
import io.veneer.images.api.ApiAccess;
import io.veneer.images.api.Failure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Serves every gRPC service bean of the application on {@code veneer.images.grpc-port}, over TLS
 * ({@link ImagesGrpcTls}).
 */
@Component
public class GrpcServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final List<BindableService> services;
  private final int configuredPort;
  private final String address;
  private final ApiAccess access;
  private final ImagesGrpcTls tls;
  private volatile Server server;
  private volatile StandardServices standardServices;

  public GrpcServer(
      List<BindableService> services,
      ImagesProperties properties,
      ApiAccess access,
      ImagesGrpcTls tls) {
    this.services = services;
    this.configuredPort = properties.grpcPort();
    this.address = properties.grpcAddress();
    this.access = access;
    this.tls = tls;
  }

  /**
   * Refuses calls without the API token (outside local development mode), as UNAUTHENTICATED or
   * PERMISSION_DENIED.
   */
  private ServerInterceptor authentication() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (StandardServices.isStandard(call.getMethodDescriptor().getServiceName())) {
          return next.startCall(call, headers);
        }
        Optional<Failure> refusal = Failure.of(access.check(headers.get(AUTHORIZATION)));
        if (refusal.isPresent()) {
          call.close(refusal.get().status().getStatus(), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
      }
    };
  }

  @Override
  public void start() {
    if (configuredPort < 0) {
      return;
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(address, configuredPort), tls.credentials());
    services.forEach(builder::addService);
    builder.intercept(authentication());
    StandardServices standard = StandardServices.addTo(builder);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve gRPC on port "
              + configuredPort
              + ": is it in use? Set veneer.images.grpc-port to another port",
          e);
    }
    standard.serving(server);
    standardServices = standard;
    log.info("event=grpc-started port={} services={}", server.getPort(), services.size());
  }

  /** The port gRPC listens on, once started (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.getPort();
  }

  @Override
  public void stop() {
    Server running = server;
    if (running != null) {
      standardServices.stopping();
      running.shutdown();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.shutdownNow();
      server = null;
    }
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }
}
