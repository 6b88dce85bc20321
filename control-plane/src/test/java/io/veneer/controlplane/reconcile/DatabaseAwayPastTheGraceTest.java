package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static io.veneer.testsupport.time.Eventually.holdsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.RestartablePostgres;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PostgreSQL stopped for longer than the heartbeat grace under a running control plane, on real
 * timers: no heartbeat can be recorded meanwhile, yet once it is back no host that kept beating is
 * judged silent, since silence counts only from when the control plane could hear again. A host
 * whose agent really stopped is still given up, one grace after the database's return.
 */
class DatabaseAwayPastTheGraceTest {

  private static final Logger log = LoggerFactory.getLogger(DatabaseAwayPastTheGraceTest.class);

  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration DATABASE_AWAY = GRACE.plusSeconds(5);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static RestartablePostgres postgres;
  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startAControlPlaneWithAShortGraceOnAPostgresThatCanBeStopped() {
    postgres = RestartablePostgres.startNew();
    KafkaTopics topics = TestKafka.freshTopics(DatabaseAwayPastTheGraceTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            postgres.createDatabase("away_past_grace"),
            topics,
            "spring.datasource.hikari.connection-timeout=1000",
            "veneer.agents.heartbeat-grace-seconds=" + GRACE.toSeconds(),
            "veneer.agents.heartbeat-interval-seconds=" + HEARTBEAT.toSeconds(),
            "veneer.reconciler.interval-millis=200");
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void hostsThatKeptBeatingStayUpAfterTheDatabaseWasAwayPastTheGrace() throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    String beating = "beating-" + run;
    String dead = "dead-" + run;
    try (FollowingAgent beatingAgent = FollowingAgent.beatingOn(controlPlane, beating);
        FollowingAgent deadAgent = FollowingAgent.beatingOn(controlPlane, dead)) {
      deadAgent.fallSilent();
      postgres.stop();
      Thread.sleep(DATABASE_AWAY.toMillis());
      postgres.start();
      long back = System.nanoTime();
      log.info("event=database-back away={}", DATABASE_AWAY);

      await(
          PATIENCE,
          "the silent host given up one grace after the database's return",
          () -> state(hosts, dead) == HostStatus.UNREACHABLE);
      Duration after = Duration.ofNanos(System.nanoTime() - back);
      log.info("event=silent-host.unreachable grace={} afterDatabaseBack={}", GRACE, after);
      assertThat(after).isGreaterThanOrEqualTo(GRACE);
      assertThat(state(hosts, beating)).isEqualTo(HostStatus.UP);
      holdsFor(
          GRACE.multipliedBy(2),
          "the host that kept beating stays UP",
          () -> state(hosts, beating) == HostStatus.UP);
    }
  }

  /** The host's state, or null while the database does not answer yet. */
  private static HostStatus state(HostService hosts, String host) {
    try {
      return hosts.get(host).state();
    } catch (RuntimeException databaseNotBackYet) {
      return null;
    }
  }
}
