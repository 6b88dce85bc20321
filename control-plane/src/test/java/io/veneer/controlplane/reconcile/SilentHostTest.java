package io.veneer.controlplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.hosts.HostStatus;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A host whose agent stops talking becomes UNREACHABLE by the reconciler's own schedule and the
 * heartbeat grace, on real timers: nothing is backdated and nobody calls the reconciler. Its
 * desktop stays where it is until an admin fences the host. A control plane of its own, since the
 * short grace would make every agent-less host of the shared one UNREACHABLE.
 */
class SilentHostTest {

  private static final Logger log = LoggerFactory.getLogger(SilentHostTest.class);

  /** Short: shorter than a loaded machine may take from registering a host to its agent's Hello. */
  private static final Duration GRACE = Duration.ofSeconds(5);

  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration RECONCILER_PERIOD = Duration.ofMillis(200);

  /** Room for a loaded 2-core machine between the reconciler's pass and our look. */
  private static final Duration SLACK = Duration.ofSeconds(5);

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");
  private final Caller alice = Caller.user("alice-" + run);

  @BeforeAll
  static void startAControlPlaneWithAShortGrace() throws InterruptedException {
    KafkaTopics topics = TestKafka.freshTopics(SilentHostTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            TestPostgres.freshDatabase(SilentHostTest.class),
            topics,
            "veneer.agents.heartbeat-grace-seconds=" + GRACE.toSeconds(),
            "veneer.agents.heartbeat-interval-seconds=" + HEARTBEAT.toSeconds(),
            "veneer.reconciler.interval-millis=" + RECONCILER_PERIOD.toMillis());
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aHostThatStopsHeartbeatingBecomesUnreachableKeepsItsDesktopAndOnlyFencingMovesIt()
      throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    DesktopService desktops = controlPlane.getBean(DesktopService.class);
    String silent = "silent-host-" + run;
    String other = "other-host-" + run;
    try (FollowingAgent silentAgent = beatingAgent(silent)) {
      DesktopView desktop =
          desktops.create(alice, new DesktopService.CreateDesktop(pool(), null), null);
      await(
          "alice's desktop RUNNING on " + silent,
          () -> desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
      assertThat(desktops.get(alice, desktop.id()).hostId()).isEqualTo(silent);

      holdsFor(
          GRACE.multipliedBy(2),
          "a host that beats stays UP past its grace",
          () -> hosts.get(silent).state() == HostStatus.UP);

      try (FollowingAgent otherAgent = beatingAgent(other)) {
        silentAgent.fallSilent();
        long silentSince = System.nanoTime();
        await("the silent host UNREACHABLE", () -> state(hosts, silent) == HostStatus.UNREACHABLE);
        Duration after = Duration.ofNanos(System.nanoTime() - silentSince);
        log.info("event=silent-host.unreachable grace={} after={}", GRACE, after);

        // Its last beat was at most one interval before it fell silent.
        assertThat(after)
            .as("UNREACHABLE by the grace, not before it")
            .isGreaterThanOrEqualTo(GRACE.minus(HEARTBEAT))
            .isLessThanOrEqualTo(GRACE.plus(RECONCILER_PERIOD).plus(SLACK));
        assertThat(hosts.get(other).state()).as("the host that beats").isEqualTo(HostStatus.UP);
        assertThat(desktops.get(alice, desktop.id()).hostId())
            .as("a host that stopped talking may still run it")
            .isEqualTo(silent);

        controlPlane.getBean(HostFencing.class).fence(admin, silent);

        await(
            "the desktop RUNNING on the other host",
            () ->
                other.equals(desktops.get(alice, desktop.id()).hostId())
                    && desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
        assertThat(desktops.get(alice, desktop.id()).owner()).isEqualTo(alice.subject());
        assertThat(otherAgent.holding()).contains(desktop.id().toString());
      }
    }
  }

  @Test
  void aHostWhoseAgentComesAfterTheGraceWaitsForItAndIsUpFromItsHello() throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    String late = "late-agent-host-" + run;
    register(late);

    holdsFor(
        GRACE.multipliedBy(2),
        "a host whose agent has not said Hello yet waits for it, UP and never heard from",
        () -> state(hosts, late) == HostStatus.UP && lastHeard(hosts, late) == null);

    try (FollowingAgent agent = connect(late)) {
      await(late + "'s agent said Hello", () -> lastHeard(hosts, late) != null);
      holdsFor(
          GRACE.plus(HEARTBEAT),
          "a host whose late agent beats stays UP past its grace",
          () -> state(hosts, late) == HostStatus.UP);
    } finally {
      // Put aside, so that no other test's desktop lands on it once its agent is gone.
      hosts.order(admin, late, HostStatus.MAINTENANCE, "test over");
    }
  }

  /** Registers the host, connects its agent, beating, and waits for the agent's Hello. */
  private static FollowingAgent beatingAgent(String host) throws InterruptedException {
    HostService hosts = controlPlane.getBean(HostService.class);
    register(host);
    FollowingAgent agent = connect(host);
    await(host + "'s agent said Hello", () -> lastHeard(hosts, host) != null);
    return agent;
  }

  private static void register(String host) {
    controlPlane
        .getBean(HostService.class)
        .register(new HostRegistration(host, new Resources(64, 262_144, 4_096), Map.of(), ""));
  }

  /** Connects the host's agent, beating, without waiting for its Hello to arrive. */
  private static FollowingAgent connect(String host) {
    return new FollowingAgent(
            controlPlane.getBean(AgentGrpcServer.class).port(),
            host,
            controlPlane.getBean(AgentCredentials.class).issue(host))
        .beating()
        .connect();
  }

  private static Instant lastHeard(HostService hosts, String host) {
    return hosts.view(hosts.get(host)).lastHeartbeatAt();
  }

  private UUID pool() {
    return controlPlane
        .getBean(PoolService.class)
        .create(
            admin,
            new PoolSpec(
                "silent-" + run,
                PoolKind.POOLED,
                "tiny",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                2,
                0,
                1,
                Set.of(alice.subject()),
                Set.of()),
            null)
        .id();
  }

  private static HostStatus state(HostService hosts, String host) {
    return hosts.get(host).state();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(50);
    }
  }

  private static void holdsFor(Duration period, String what, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      assertThat(condition.getAsBoolean()).as(what).isTrue();
      Thread.sleep(100);
    }
  }
}
