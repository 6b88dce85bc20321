package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.simulated.SimulatedHypervisor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent dials its control plane over TLS by default and verifies the certificate: it greets a
 * control plane its CA signed, sends nothing, not even its token, to one another CA signed, and
 * dials in clear only when {@code VENEER_TLS=false} says so (which a TLS control plane refuses).
 */
class ControlPlaneTlsTest {

  @TempDir Path data;

  @Test
  void greetsAControlPlaneWhoseCertificateItsCaSigned() throws Exception {
    try (FakeControlPlane controlPlane = new FakeControlPlane();
        NodeAgent agent = agent(controlPlane.dialSettings())) {
      agent.start();
      assertThat(controlPlane.awaitHello().getHostId()).isEqualTo("tls-host");
    }
  }

  @Test
  void neverReachesAControlPlaneItsCaDidNotSign() throws Exception {
    Map<String, String> otherCa = new HashMap<>();
    try (FakeControlPlane controlPlane = new FakeControlPlane()) {
      otherCa.put("VENEER_CONTROL_PLANE", controlPlane.address());
      otherCa.put("VENEER_TLS_CA", FakeControlPlane.newAuthority().caCertificate().toString());
      try (NodeAgent agent = agent(otherCa)) {
        agent.start();
        assertThat(controlPlane.hellos.poll(3, TimeUnit.SECONDS)).isNull();
        assertThat(controlPlane.tokens).isEmpty();
      }
    }
  }

  @Test
  void plaintextIsOnlyWhatVeneerTlsFalseAsksFor() throws Exception {
    assertThat(AgentSettings.fromEnvironment(Map.of()).tls()).isTrue();
    try (FakeControlPlane controlPlane = new FakeControlPlane();
        NodeAgent agent =
            agent(Map.of("VENEER_CONTROL_PLANE", controlPlane.address(), "VENEER_TLS", "false"))) {
      agent.start();
      assertThat(controlPlane.hellos.poll(3, TimeUnit.SECONDS)).isNull();
      assertThat(controlPlane.tokens).isEmpty();
    }
  }

  private NodeAgent agent(Map<String, String> dial) throws Exception {
    Map<String, String> env = new HashMap<>(dial);
    env.put("VENEER_HOST_ID", "tls-host");
    env.put("VENEER_AGENT_TOKEN", "secret-tls");
    env.put("VENEER_DATA_DIR", data.toString());
    env.put("VENEER_DRIVER", "simulated");
    env.put("VENEER_VCPUS", "2");
    env.put("VENEER_MEMORY_MIB", "2048");
    env.put("VENEER_DISK_GIB", "10");
    return new NodeAgent(
        AgentSettings.fromEnvironment(env),
        new SimulatedHypervisor(Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(20)));
  }
}
