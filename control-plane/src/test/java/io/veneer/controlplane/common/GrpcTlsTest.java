package io.veneer.controlplane.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.veneer.api.tls.ClientTls;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.TestTls;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.api.grpc.ApiGrpcServer;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Both gRPC listeners of the control plane, the agent gateway and the public API, speak TLS only: a
 * client that verifies them against the CA connects; a plaintext client and a client that trusts
 * another CA do not.
 */
class GrpcTlsTest extends ControlPlaneSpringTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @Autowired AgentGrpcServer agentGateway;
  @Autowired ApiGrpcServer api;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"agent gateway", "public API"})
  void aClientThatVerifiesTheServerAgainstItsCaConnects(String listener) {
    assertThat(settle(TestTls::channel, listener)).isEqualTo(ConnectivityState.READY);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"agent gateway", "public API"})
  void aPlaintextClientIsNotServed(String listener) {
    assertThat(
            settle(
                port -> NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(),
                listener))
        .isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"agent gateway", "public API"})
  void aClientThatTrustsAnotherCaRefusesTheServer(String listener) {
    ClientTls otherCa = new ClientTls(TestTls.newAuthority().caCertificate(), false, "test");
    assertThat(
            settle(
                port ->
                    NettyChannelBuilder.forAddress(
                            "127.0.0.1", port, otherCa.credentials("127.0.0.1:" + port))
                        .build(),
                listener))
        .isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
  }

  /** Connects a channel made by {@code dial} to {@code listener} and waits until it settles. */
  private ConnectivityState settle(IntFunction<ManagedChannel> dial, String listener) {
    int port =
        switch (listener) {
          case "agent gateway" -> agentGateway.port();
          case "public API" -> api.port();
          default -> throw new IllegalArgumentException(listener);
        };
    ManagedChannel channel = dial.apply(port);
    try {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      ConnectivityState state = channel.getState(true);
      while (state != ConnectivityState.READY
          && state != ConnectivityState.TRANSIENT_FAILURE
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
        state = channel.getState(true);
      }
      return state;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      channel.shutdownNow();
    }
  }
}
