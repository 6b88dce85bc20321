package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.veneer.controlplane.MovableClock;
import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.console.ConsoleTickets;
import io.veneer.controlplane.console.ConsoleUse;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.controlplane.pools.PoolPower;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Idle shutdown on real PostgreSQL and Kafka, with an agent that does what it is told and the
 * control plane's clock moved by the test while the reconciler runs: a desktop in use is shut down
 * once it showed no sign of use for its pool's idle time, and not a minute before. A control plane
 * and a clock of its own, so that moving time moves nobody else's.
 */
class IdleShutdownTest {

  private static final Duration IDLE_TIME = Duration.ofMinutes(30);

  private static ConfigurableApplicationContext controlPlane;
  private static KafkaTopics topics;
  private static MovableClock clock;

  private HostService hosts;
  private PoolService pools;
  private DesktopService desktops;
  private ConsoleTickets tickets;
  private JdbcTemplate jdbc;

  /** Two minutes: the module's whole run loads both cores. */
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller alice = Caller.user("alice-" + run);
  private final String host = "idle-host-" + run;
  private FollowingAgent agent;
  private UUID pool;

  @BeforeAll
  static void startAControlPlaneOfItsOwn() {
    topics = TestKafka.freshTopics(IdleShutdownTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.startWithMovableClock(
            TestPostgres.freshDatabase(IdleShutdownTest.class),
            topics,
            "veneer.reconciler.interval-millis=200");
    clock = (MovableClock) controlPlane.getBean(Clock.class);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @BeforeEach
  void aPoolWithAnIdleTimeOnAHostWithItsAgent() {
    hosts = controlPlane.getBean(HostService.class);
    pools = controlPlane.getBean(PoolService.class);
    desktops = controlPlane.getBean(DesktopService.class);
    tickets = controlPlane.getBean(ConsoleTickets.class);
    jdbc = controlPlane.getBean(JdbcTemplate.class);
    AgentCredentials credentials = controlPlane.getBean(AgentCredentials.class);
    AgentGrpcServer server = controlPlane.getBean(AgentGrpcServer.class);
    hosts.register(
        new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of("run", run), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).beating().connect();
    pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                        "idle-" + run,
                        PoolKind.DEDICATED,
                        "tiny",
                        "v1",
                        AgentMessages.GOLDEN_DIGEST,
                        new Resources(1, 1024, 10),
                        0,
                        4,
                        1,
                        1,
                        Set.of(alice.subject()),
                        Set.of())
                    .toBuilder()
                        .power(new PoolPower((int) IDLE_TIME.toMinutes(), null))
                        // On this test's host: an earlier test's stays UP without its agent.
                        .placement(new PoolPlacement(Map.of("run", run), ""))
                        .build(),
                null)
            .id();
  }

  @AfterEach
  void putTheClockBack() {
    clock.followSystem();
    agent.close();
  }

  @Test
  void aDesktopInUseIsShutDownAfterItsPoolsIdleTimeWithoutASignOfUse() throws Exception {
    UUID desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, alice.subject()), null).id();
    await(PATIENCE, "alice's desktop and a warm spare RUNNING", () -> running() == 2);
    // Nanoseconds PostgreSQL cannot keep, and would round up to the next microsecond.
    Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS).plusNanos(900);
    Instant consoleOpened = start.plus(IDLE_TIME).minus(Duration.ofMinutes(1));
    clock.set(consoleOpened);
    passes();
    assertThat(desiredPower(desktop)).as("a minute short of its idle time").isEqualTo("ON");

    // Opening the console is a sign of use: the idle time starts again from it.
    tickets.issue(alice, desktop);
    clock.set(consoleOpened.plus(IDLE_TIME).minus(Duration.ofMinutes(1)));
    passes();
    assertThat(desiredPower(desktop))
        .as("a minute short of idle after the console")
        .isEqualTo("ON");

    clock.set(consoleOpened.plus(IDLE_TIME));

    await(PATIENCE, "alice's desktop wanted OFF", () -> desiredPower(desktop).equals("OFF"));
    await(
        PATIENCE,
        "alice's desktop STOPPED",
        () -> state(desktop).equals(DesktopState.STOPPED.name()));
    assertThat(state(spare())).as("a free warm spare is kept ready").isEqualTo("RUNNING");
    assertThat(
            jdbc.queryForObject(
                "SELECT detail FROM audit_entry WHERE action = 'desktop.idle-shutdown'"
                    + " AND object_id = ?",
                String.class,
                desktop.toString()))
        .contains("no sign of use for 30 min", "console asked for, opened or typed or clicked in");
    DesktopEvent event = idleShutdownEventOf(desktop);
    assertThat(event.getHeader().getActor()).isEqualTo("pool-controller");
    assertThat(event.getReason()).contains("pool's idle time 30 min");
  }

  @Test
  void aDesktopWhoseConsoleReportsInputIsNotShutDownAndIsOnceTheInputStops() throws Exception {
    UUID desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool, alice.subject()), null).id();
    await(PATIENCE, "alice's desktop and a warm spare RUNNING", () -> running() == 2);
    ConsoleUse console = controlPlane.getBean(ConsoleUse.class);
    Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant lastInput = start;
    // Typing in one open console for 90 minutes, reported by the portal's proxy as it goes.
    for (int minutes = 10; minutes <= 90; minutes += 10) {
      lastInput = start.plus(Duration.ofMinutes(minutes));
      clock.set(lastInput);
      console.inputSeen(desktop);
      passes();
      assertThat(desiredPower(desktop))
          .as("input %d minutes in, well past its idle time of 30", minutes)
          .isEqualTo("ON");
    }

    clock.set(lastInput.plus(IDLE_TIME));

    await(
        PATIENCE,
        "alice's desktop wanted OFF once the input stopped",
        () -> desiredPower(desktop).equals("OFF"));
    assertThat(
            jdbc.queryForObject(
                "SELECT detail FROM audit_entry WHERE action = 'desktop.idle-shutdown'"
                    + " AND object_id = ?",
                String.class,
                desktop.toString()))
        .contains("typed or clicked in");
  }

  /** Lets the reconciler (every 200 ms in tests) make a few passes over the pool. */
  private static void passes() throws InterruptedException {
    Thread.sleep(1_000);
  }

  private long running() {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE pool_id = ? AND state = 'RUNNING'", Long.class, pool);
  }

  private UUID spare() {
    return jdbc.queryForObject(
        "SELECT id FROM desktop WHERE pool_id = ? AND owner IS NULL AND state <> 'DELETED'",
        UUID.class,
        pool);
  }

  private String desiredPower(UUID desktop) {
    return jdbc.queryForObject(
        "SELECT desired_power FROM desktop WHERE id = ?", String.class, desktop);
  }

  private String state(UUID desktop) {
    return jdbc.queryForObject("SELECT state FROM desktop WHERE id = ?", String.class, desktop);
  }

  private static DesktopEvent idleShutdownEventOf(UUID desktop) throws Exception {
    for (var record :
        topics.recordsOf(
            "veneer.desktops.v1",
            desktop.toString(),
            got -> got.stream().anyMatch(IdleShutdownTest::isIdleShutdown),
            PATIENCE,
            Duration.ZERO)) {
      if (isIdleShutdown(record)) {
        return DesktopEvent.parseFrom(record.value());
      }
    }
    throw new AssertionError("No idle-shutdown event of " + desktop + " on Kafka");
  }

  private static boolean isIdleShutdown(ConsumerRecord<String, byte[]> record) {
    try {
      return DesktopEvent.parseFrom(record.value())
          .getType()
          .equals("io.veneer.desktop.idle-shutdown");
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("Not a DesktopEvent on the desktop topic", e);
    }
  }
}
