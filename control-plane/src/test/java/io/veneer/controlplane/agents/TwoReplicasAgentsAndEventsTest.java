package io.veneer.controlplane.agents;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.kafka.InterruptibleKafka;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.postgres.PostgresDatabase;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two control-plane replicas on one database and a private Kafka broker that can be taken away: a
 * change made through one replica reaches an agent connected to the other, and lifecycle events
 * made while Kafka is away arrive once it is back, each once, in order per desktop.
 */
class TwoReplicasAgentsAndEventsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static InterruptibleKafka kafka;
  private static KafkaTopics topics;
  private static ConfigurableApplicationContext replicaA;
  private static ConfigurableApplicationContext replicaB;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");
  private final Caller alice = Caller.user("alice-" + run);

  @BeforeAll
  static void startTwoReplicas() {
    kafka = InterruptibleKafka.start();
    topics = kafka.topics("replicas-" + UUID.randomUUID().toString().substring(0, 8) + ".");
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    PostgresDatabase db = TestPostgres.freshDatabase(TwoReplicasAgentsAndEventsTest.class);
    replicaA = replica(db);
    replicaB = replica(db);
  }

  private static ConfigurableApplicationContext replica(PostgresDatabase db) {
    return StandaloneControlPlane.start(db, topics, "veneer.reconciler.interval-millis=200");
  }

  @AfterAll
  static void stop() {
    if (replicaB != null) {
      replicaB.close();
    }
    if (replicaA != null) {
      replicaA.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private UUID poolOnNewHost(String host) {
    // The other test's host is put aside, so that this test's desktop lands on its own host.
    replicaA.getBean(JdbcTemplate.class).update("UPDATE host SET state = 'MAINTENANCE'");
    replicaA
        .getBean(HostService.class)
        .register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    return replicaA
        .getBean(PoolService.class)
        .create(
            admin,
            new PoolSpec(
                "replicas-" + run,
                PoolKind.POOLED,
                "tiny",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                1,
                0,
                1,
                Set.of(alice.subject()),
                Set.of()),
            null)
        .id();
  }

  @Test
  void aChangeMadeThroughOneReplicaReachesAnAgentConnectedToTheOther() throws Exception {
    String host = "replica-host-" + run;
    UUID pool = poolOnNewHost(host);
    DesktopService throughA = replicaA.getBean(DesktopService.class);
    String token = replicaA.getBean(AgentCredentials.class).issue(host);
    int portOfB = replicaB.getBean(AgentGrpcServer.class).port();

    try (FollowingAgent agent = new FollowingAgent(portOfB, host, token).connect()) {
      DesktopView desktop =
          throughA.create(alice, new DesktopService.CreateDesktop(pool, null), null);

      await(
          PATIENCE,
          "the agent on replica B runs the desktop requested through replica A",
          () -> throughA.get(alice, desktop.id()).state() == DesktopState.RUNNING);
      assertThat(agent.holding()).containsExactly(desktop.id().toString());

      throughA.delete(alice, desktop.id());

      await(
          PATIENCE,
          "the agent on replica B removed the desktop deleted through replica A",
          () -> throughA.get(admin, desktop.id()).state() == DesktopState.DELETED);
      assertThat(agent.holding()).isEmpty();
    }
  }

  @Test
  void eventsMadeWhileKafkaIsAwayArriveOnceEachAndInOrderWhenItReturns() throws Exception {
    String host = "outage-host-" + run;
    UUID pool = poolOnNewHost(host);
    DesktopService throughB = replicaB.getBean(DesktopService.class);
    String token = replicaA.getBean(AgentCredentials.class).issue(host);
    int portOfA = replicaA.getBean(AgentGrpcServer.class).port();

    kafka.goAway();
    DesktopView desktop;
    try (FollowingAgent agent = new FollowingAgent(portOfA, host, token).connect()) {
      desktop = throughB.create(alice, new DesktopService.CreateDesktop(pool, null), null);
      await(
          PATIENCE,
          "RUNNING while Kafka is away",
          () -> throughB.get(alice, desktop.id()).state() == DesktopState.RUNNING);
      throughB.delete(alice, desktop.id());
      await(
          PATIENCE,
          "DELETED while Kafka is away",
          () -> throughB.get(admin, desktop.id()).state() == DesktopState.DELETED);
    }
    kafka.comeBack();

    List<DesktopEvent> events = consume(desktop.id().toString(), 7);
    List<String> moves = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (DesktopEvent event : events) {
      moves.add(event.getFromState() + "->" + event.getToState());
      ids.add(event.getHeader().getEventId());
    }
    assertThat(moves)
        .containsExactly(
            "->REQUESTED",
            "REQUESTED->SCHEDULED",
            "SCHEDULED->PROVISIONING",
            "PROVISIONING->STARTING",
            "STARTING->RUNNING",
            "RUNNING->DELETING",
            "DELETING->DELETED");
    assertThat(ids).as("one event id per transition").hasSize(7);
  }

  /** Reads the desktop topic from the start until {@code count} events of {@code key}, and more. */
  private static List<DesktopEvent> consume(String key, int count) throws Exception {
    List<DesktopEvent> mine = new ArrayList<>();
    // A second's wait after them: anything more would be a duplicate or an event for a transition
    // that did not happen.
    for (ConsumerRecord<String, byte[]> record :
        topics.recordsOf(
            "veneer.desktops.v1",
            key,
            got -> got.size() >= count,
            PATIENCE,
            Duration.ofSeconds(1))) {
      mine.add(DesktopEvent.parseFrom(record.value()));
    }
    return mine;
  }
}
