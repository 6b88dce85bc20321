package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.Heartbeat;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.hosts.Host;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.reconcile.HostFencing;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** An agent claims nothing its host was not given, and loses its stream with its token. */
class AgentClaimsTest extends ControlPlaneSpringTest {

  private static final Resources REGISTERED = new Resources(16, 65_536, 1_024);

  @Autowired HostService hosts;
  @Autowired HostFencing fencing;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String host = "claims-host-" + UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");

  @BeforeEach
  void anAdminRegisteredTheHost() {
    hosts.register(admin, new HostRegistration(host, REGISTERED, Map.of("tier", "std"), "zone-r"));
  }

  @Test
  void aHelloClaimingMoreCapacityOtherLabelsAndAnotherZoneChangesNone() throws Exception {
    connectAndSayHello(
        AgentMessages.hello(host)
            .setCapacity(AgentMessages.capacity(64, 262_144, 4_096))
            .putLabels("gpu", "a100")
            .setZone("zone-evil"));

    Host after = hosts.get(host);
    assertThat(after.capacity()).isEqualTo(REGISTERED);
    assertThat(after.labels()).isEqualTo(Map.of("tier", "std"));
    assertThat(after.zone()).isEqualTo("zone-r");
  }

  @Test
  void aHostHasLessWhileItsAgentReportsLessAndNeverMoreThanRegistered() throws Exception {
    connectAndSayHello(
        AgentMessages.hello(host).setCapacity(AgentMessages.capacity(8, 100_000, 512)));
    assertThat(hosts.get(host).capacity()).isEqualTo(new Resources(8, 65_536, 512));

    connectAndSayHello(
        AgentMessages.hello(host).setCapacity(AgentMessages.capacity(32, 100_000, 2_048)));
    assertThat(hosts.get(host).capacity()).isEqualTo(REGISTERED);
  }

  @Test
  void anUnreachableHostStaysUnreachableWhenItsAgentReconnectsUntilAnOperatorOrdersItUp()
      throws Exception {
    connectAndSayHello(AgentMessages.hello(host));
    jdbc.update(
        "UPDATE host_heartbeat SET at = now() - interval '10 minutes' WHERE host_id = ?", host);
    hosts.markUnreachable(Instant.now().minus(Duration.ofMinutes(1)));
    assertThat(hosts.get(host).state()).isEqualTo(HostStatus.UNREACHABLE);

    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
      assertThat(agent.next().hasDesiredSet()).isTrue();
      agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.getDefaultInstance()).build());
      awaitHeartbeatAfter(Instant.now().minusSeconds(5));

      assertThat(hosts.get(host).state()).isEqualTo(HostStatus.UNREACHABLE);
    }

    hosts.order(admin, host, HostStatus.UP, "checked the host");
    assertThat(hosts.get(host).state()).isEqualTo(HostStatus.UP);
  }

  @Test
  void fencingRevokesTheTokenAndClosesTheStreamAndTheHostStaysFenced() throws Exception {
    String token = credentials.issue(host);
    try (TestAgent agent = new TestAgent(server.port(), token)) {
      agent.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
      assertThat(agent.next().hasDesiredSet()).isTrue();

      fencing.fence(admin, host);

      assertThat(agent.closedWith().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
    try (TestAgent again = new TestAgent(server.port(), token)) {
      again.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());

      assertThat(again.closedWith().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertThat(hosts.get(host).state()).isEqualTo(HostStatus.FENCED);
  }

  @Test
  void rotatingTheTokenClosesTheStreamOpenedWithTheOldOne() throws Exception {
    try (TestAgent old = new TestAgent(server.port(), credentials.issue(host))) {
      old.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
      assertThat(old.next().hasDesiredSet()).isTrue();

      String rotated = credentials.issue(admin, host);

      assertThat(old.closedWith().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      try (TestAgent current = new TestAgent(server.port(), rotated)) {
        current.send(AgentMessage.newBuilder().setHello(AgentMessages.hello(host)).build());
        assertThat(current.next().hasDesiredSet()).isTrue();
      }
    }
  }

  private void connectAndSayHello(io.veneer.agent.v1.Hello.Builder hello) throws Exception {
    try (TestAgent agent = new TestAgent(server.port(), credentials.issue(host))) {
      agent.send(AgentMessage.newBuilder().setHello(hello).build());
      assertThat(agent.next().hasDesiredSet()).isTrue();
    }
  }

  private void awaitHeartbeatAfter(Instant since) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline) && lastHeartbeat().isBefore(since)) {
      Thread.sleep(50);
    }
    assertThat(lastHeartbeat()).isAfter(since);
  }

  private Instant lastHeartbeat() {
    Instant heard = hosts.view(hosts.get(host)).lastHeartbeatAt();
    return heard == null ? Instant.MIN : heard;
  }
}
