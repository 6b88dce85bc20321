package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static io.veneer.testsupport.time.Eventually.holdsFor;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A host whose agent stops talking becomes UNREACHABLE by the reconciler's own schedule and the
 * heartbeat grace, on real timers: nothing is backdated and nobody calls the reconciler. Its
 * desktop stays where it is until the host is fenced: by the deployment's fence command when that
 * succeeds, else by an admin. A control plane of its own, since the short grace would make every
 * agent-less host of the shared one UNREACHABLE. Its fence command powers off hosts named {@code
 * fenceable-*} and fails on any other, as a PDU that does not know the host would.
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

  private static final Duration FENCE_RETRY = Duration.ofSeconds(2);

  @TempDir static Path fenceDir;

  /** One line per run of the fence command: the host it was given. */
  private static Path fenceLog;

  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");
  private final Caller alice = Caller.user("alice-" + run);

  @BeforeAll
  static void startAControlPlaneWithAShortGraceAndAFenceCommand()
      throws IOException, InterruptedException {
    fenceLog = fenceDir.resolve("fenced.log");
    Path fence = fenceDir.resolve("fence.sh");
    Files.writeString(
        fence,
        """
        #!/bin/sh
        echo "$1" >> %s
        case "$1" in
          fenceable-*) echo "powered off $1"; exit 0 ;;
          *) echo "PDU: no outlet for $1"; exit 3 ;;
        esac
        """
            .formatted(fenceLog));
    Files.setPosixFilePermissions(fence, PosixFilePermissions.fromString("rwx------"));
    KafkaTopics topics = TestKafka.freshTopics(SilentHostTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            TestPostgres.freshDatabase(SilentHostTest.class),
            topics,
            "veneer.agents.heartbeat-grace-seconds=" + GRACE.toSeconds(),
            "veneer.agents.heartbeat-interval-seconds=" + HEARTBEAT.toSeconds(),
            "veneer.reconciler.interval-millis=" + RECONCILER_PERIOD.toMillis(),
            "veneer.fencing.mode=command",
            "veneer.fencing.command=" + fence + ",{host}",
            "veneer.fencing.retry=" + FENCE_RETRY.toSeconds() + "s");
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aHostThatStopsHeartbeatingBecomesUnreachableAndKeepsItsDesktopWhileItsFenceFails()
      throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    DesktopService desktops = controlPlane.getBean(DesktopService.class);
    String silent = "silent-host-" + run;
    String other = "other-host-" + run;
    try (FollowingAgent silentAgent = FollowingAgent.beatingOn(controlPlane, silent)) {
      DesktopView desktop = aliceRunsADesktopOn(silent);

      holdsFor(
          GRACE.multipliedBy(2),
          "a host that beats stays UP past its grace",
          () -> hosts.get(silent).state() == HostStatus.UP);

      try (FollowingAgent otherAgent = FollowingAgent.beatingOn(controlPlane, other)) {
        silentAgent.fallSilent();
        long silentSince = System.nanoTime();
        await(
            PATIENCE,
            "the silent host UNREACHABLE",
            () -> state(hosts, silent) == HostStatus.UNREACHABLE);
        Duration after = Duration.ofNanos(System.nanoTime() - silentSince);
        log.info("event=silent-host.unreachable grace={} after={}", GRACE, after);

        // Its last beat was at most one interval before it fell silent.
        assertThat(after)
            .as("UNREACHABLE by the grace, not before it")
            .isGreaterThanOrEqualTo(GRACE.minus(HEARTBEAT))
            .isLessThanOrEqualTo(GRACE.plus(RECONCILER_PERIOD).plus(SLACK));
        assertThat(hosts.get(other).state()).as("the host that beats").isEqualTo(HostStatus.UP);
        await(PATIENCE, "the fence command tried twice", () -> fenceAttempts(silent) >= 2);
        await(PATIENCE, "the failures audited", () -> fenceFailuresAudited(silent).size() >= 2);
        assertThat(fenceFailuresAudited(silent))
            .allSatisfy(
                detail ->
                    assertThat(detail)
                        .startsWith(
                            "the fence command exited with 3: PDU: no outlet for " + silent));
        assertThat(hosts.get(silent).state())
            .as("a host whose fence failed")
            .isEqualTo(HostStatus.UNREACHABLE);
        assertThat(desktops.get(alice, desktop.id()).hostId())
            .as("a host that stopped talking may still run it")
            .isEqualTo(silent);

        controlPlane.getBean(HostFencing.class).fence(admin, silent);

        stillAlicesAndRunningOn(desktop, other, otherAgent);
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
        () -> state(hosts, late) == HostStatus.UP && FollowingAgent.lastHeard(hosts, late) == null);

    try (FollowingAgent agent = connect(late)) {
      await(
          PATIENCE,
          late + "'s agent said Hello",
          () -> FollowingAgent.lastHeard(hosts, late) != null);
      holdsFor(
          GRACE.plus(HEARTBEAT),
          "a host whose late agent beats stays UP past its grace",
          () -> state(hosts, late) == HostStatus.UP);
    } finally {
      // Put aside, so that no other test's desktop lands on it once its agent is gone.
      hosts.order(admin, late, HostStatus.MAINTENANCE, "test over");
    }
  }

  @Test
  void aHostAnAdminBringsBackUpHasAWholeGraceBeforeItIsGivenUpAgain() throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    String resumed = "resumed-host-" + run;
    try (FollowingAgent agent = FollowingAgent.beatingOn(controlPlane, resumed)) {
      agent.fallSilent();
      await(
          PATIENCE,
          "the silent host UNREACHABLE",
          () -> state(hosts, resumed) == HostStatus.UNREACHABLE);

      hosts.order(admin, resumed, HostStatus.UP, "checked the host");

      holdsFor(
          GRACE.minus(HEARTBEAT),
          "a host ordered back UP is not given up before a grace from the order",
          () -> state(hosts, resumed) == HostStatus.UP);
      await(
          PATIENCE,
          "the still silent host UNREACHABLE again",
          () -> state(hosts, resumed) == HostStatus.UNREACHABLE);
    } finally {
      hosts.order(admin, resumed, HostStatus.MAINTENANCE, "test over");
    }
  }

  @Test
  void aSilentHostIsFencedByTheDeploymentsFenceCommandAndItsDesktopRunsElsewhere()
      throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    String fenceable = "fenceable-host-" + run;
    String other = "other-host-" + run;
    try (FollowingAgent fenceableAgent = FollowingAgent.beatingOn(controlPlane, fenceable)) {
      DesktopView desktop = aliceRunsADesktopOn(fenceable);

      try (FollowingAgent otherAgent = FollowingAgent.beatingOn(controlPlane, other)) {
        fenceableAgent.fallSilent();
        await(
            PATIENCE, "the silent host FENCED", () -> state(hosts, fenceable) == HostStatus.FENCED);
        assertThat(fenceAttempts(fenceable)).as("runs of the fence command").isEqualTo(1);

        stillAlicesAndRunningOn(desktop, other, otherAgent);
      }
    }
  }

  /** Alice's new desktop of a new pool, once RUNNING on {@code host}, the one UP host. */
  private DesktopView aliceRunsADesktopOn(String host) throws InterruptedException {
    DesktopService desktops = controlPlane.getBean(DesktopService.class);
    DesktopView desktop =
        desktops.create(alice, new DesktopService.CreateDesktop(pool(), null), null);
    await(
        PATIENCE,
        "alice's desktop RUNNING on " + host,
        () -> desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
    assertThat(desktops.get(alice, desktop.id()).hostId()).isEqualTo(host);
    return desktop;
  }

  /** The fenced host's desktop, rebuilt: still alice's, RUNNING on {@code other}. */
  private void stillAlicesAndRunningOn(DesktopView desktop, String other, FollowingAgent otherAgent)
      throws InterruptedException {
    DesktopService desktops = controlPlane.getBean(DesktopService.class);
    await(
        PATIENCE,
        "the desktop RUNNING on the other host",
        () ->
            other.equals(desktops.get(alice, desktop.id()).hostId())
                && desktops.get(alice, desktop.id()).state() == DesktopState.RUNNING);
    assertThat(desktops.get(alice, desktop.id()).owner()).isEqualTo(alice.subject());
    assertThat(otherAgent.holding()).contains(desktop.id().toString());
    // The next test's desktops go to its own hosts.
    controlPlane
        .getBean(HostService.class)
        .order(admin, other, HostStatus.MAINTENANCE, "the next test's hosts are its own");
  }

  private static List<String> fenceFailuresAudited(String host) {
    return controlPlane
        .getBean(JdbcTemplate.class)
        .queryForList(
            "SELECT detail FROM audit_entry WHERE action = 'host.fence-failed' AND object_id = ?",
            String.class,
            host);
  }

  private static long fenceAttempts(String host) {
    if (!Files.exists(fenceLog)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(fenceLog)) {
      return lines.filter(host::equals).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
