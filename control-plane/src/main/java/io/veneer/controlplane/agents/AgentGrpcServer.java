package io.veneer.controlplane.agents;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.veneer.controlplane.common.GrpcServers;
import io.veneer.controlplane.common.GrpcTls;
import io.veneer.grpc.StandardServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Serves the agent gateway on {@code veneer.agents.grpc-port}. */
@Component
public class AgentGrpcServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AgentGrpcServer.class);

  private final AgentGateway gateway;
  private final AgentProperties properties;
  private final GrpcTls tls;
  private volatile Server server;
  private volatile StandardServices standardServices;

  AgentGrpcServer(AgentGateway gateway, AgentProperties properties, GrpcTls tls) {
    this.gateway = gateway;
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
                tls.credentials("the agent gateway"))
            .addService(ServerInterceptors.intercept(gateway, AgentGateway.tokenInterceptor()));
    StandardServices standard = StandardServices.addTo(builder);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve the agent gateway on port "
              + properties.grpcPort()
              + ": is it in use? Set veneer.agents.grpc-port",
          e);
    }
    standard.serving(server);
    standardServices = standard;
    log.info(
        "event=agent-gateway-started address={} port={}",
        properties.grpcAddress(),
        server.getPort());
  }

  /** The port it listens on once started (useful when configured as 0). */
  public int port() {
    return server == null ? -1 : server.getPort();
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
