package io.veneer.controlplane.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.veneer.agent.v1.AgentServiceGrpc;
import io.veneer.api.v1.DesktopServiceGrpc;
import io.veneer.api.v1.HostServiceGrpc;
import io.veneer.api.v1.PoolServiceGrpc;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.testsupport.grpc.StandardServicesProbe;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Both gRPC servers answer health checks and reflection, as tools ask them: over TLS, with no
 * token.
 */
class StandardGrpcServicesTest extends ControlPlaneSpringTest {

  @Autowired ApiGrpcServer api;
  @Autowired AgentGrpcServer agents;

  @Test
  void thePublicApiServesHealthAndReflection() throws Exception {
    ManagedChannel channel = TestTls.channel(api.port());
    try {
      assertThat(StandardServicesProbe.health(channel, "")).isEqualTo(ServingStatus.SERVING);
      assertThat(StandardServicesProbe.health(channel, DesktopServiceGrpc.SERVICE_NAME))
          .isEqualTo(ServingStatus.SERVING);
      assertThat(StandardServicesProbe.reflectedServices(channel))
          .contains(
              DesktopServiceGrpc.SERVICE_NAME,
              PoolServiceGrpc.SERVICE_NAME,
              HostServiceGrpc.SERVICE_NAME,
              "grpc.health.v1.Health",
              "grpc.reflection.v1.ServerReflection");
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void theAgentGatewayServesHealthAndReflection() throws Exception {
    ManagedChannel channel = TestTls.channel(agents.port());
    try {
      assertThat(StandardServicesProbe.health(channel, AgentServiceGrpc.SERVICE_NAME))
          .isEqualTo(ServingStatus.SERVING);
      assertThat(StandardServicesProbe.reflectedServices(channel))
          .contains(AgentServiceGrpc.SERVICE_NAME);
    } finally {
      channel.shutdownNow();
    }
  }
}
