package io.veneer.controlplane.placement;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An UP host whose agent has gone quiet takes no new desktops before its grace makes it
 * UNREACHABLE, and takes them again once it beats: a host cut off from its control plane would
 * otherwise be given desktops it cannot hear of for the whole grace. Real timers: the agent really
 * stops beating. A control plane of its own, with heartbeats every second and a grace far beyond
 * the test, so that the host is silent but never UNREACHABLE here.
 */
class SilentHostPlacementTest {

  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final int SILENT_AFTER_HEARTBEATS = 2;
  private static final Duration GRACE = Duration.ofMinutes(10);
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static ConfigurableApplicationContext controlPlane;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Caller admin = Caller.admin("admin");

  @BeforeAll
  static void startAControlPlaneWithShortHeartbeatsAndALongGrace() {
    KafkaTopics topics = TestKafka.freshTopics(SilentHostPlacementTest.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    controlPlane =
        StandaloneControlPlane.start(
            TestPostgres.freshDatabase(SilentHostPlacementTest.class),
            topics,
            "veneer.agents.heartbeat-interval-seconds=" + HEARTBEAT.toSeconds(),
            "veneer.agents.heartbeat-grace-seconds=" + GRACE.toSeconds(),
            "veneer.placement.silent-after-heartbeats=" + SILENT_AFTER_HEARTBEATS);
  }

  @AfterAll
  static void stop() {
    if (controlPlane != null) {
      controlPlane.close();
    }
  }

  @Test
  void aHostNotHeardFromLatelyGetsNoNewDesktopsUntilItBeatsAgain() throws Exception {
    HostService hosts = controlPlane.getBean(HostService.class);
    String talking = "talking-" + run;
    String quiet = "quiet-" + run;
    UUID pool = pool(8);
    try (FollowingAgent talkingAgent = FollowingAgent.beatingOn(controlPlane, talking);
        FollowingAgent quietAgent = FollowingAgent.beatingOn(controlPlane, quiet)) {
      quietAgent.fallSilent();
      Duration silence = HEARTBEAT.multipliedBy(SILENT_AFTER_HEARTBEATS);
      // Past the silence, and one interval more: placement looks at most once an interval.
      await(
          PATIENCE,
          quiet + " unheard for longer than " + silence,
          () ->
              FollowingAgent.lastHeard(hosts, quiet)
                  .isBefore(Instant.now().minus(silence).minus(HEARTBEAT).minus(HEARTBEAT)));

      List<DesktopView> requested = request(pool, 6);

      assertThat(requested)
          .extracting(DesktopView::hostId)
          .as("spread over two empty hosts, yet none on the one not heard from")
          .containsOnly(talking);
      assertThat(hosts.get(quiet).state()).as("its grace has not passed").isEqualTo(HostStatus.UP);

      quietAgent.speakAgain();
      Instant spoke = Instant.now();
      await(
          PATIENCE,
          quiet + " heard again",
          () -> FollowingAgent.lastHeard(hosts, quiet).isAfter(spoke));
      // Placement's next look at silence is at most an interval away.
      Thread.sleep(HEARTBEAT.multipliedBy(2).toMillis());

      assertThat(request(pool, 1))
          .extracting(DesktopView::hostId)
          .as("the emptier host, heard again")
          .containsOnly(quiet);
    } finally {
      hosts.order(admin, quiet, HostStatus.MAINTENANCE, "test over");
      hosts.order(admin, talking, HostStatus.MAINTENANCE, "test over");
    }
  }

  /** {@code count} desktops for new users, each once placed. */
  private List<DesktopView> request(UUID pool, int count) throws InterruptedException {
    DesktopService desktops = controlPlane.getBean(DesktopService.class);
    List<DesktopView> placed = new ArrayList<>();
    for (Caller user :
        IntStream.range(0, count)
            .mapToObj(
                i ->
                    Caller.user("user-" + UUID.randomUUID().toString().substring(0, 8), "everyone"))
            .toList()) {
      UUID id = desktops.create(user, new DesktopService.CreateDesktop(pool, null), null).id();
      await(PATIENCE, "desktop " + id + " placed", () -> desktops.get(admin, id).hostId() != null);
      placed.add(desktops.get(admin, id));
    }
    return placed;
  }

  private UUID pool(int maxSize) {
    return controlPlane
        .getBean(PoolService.class)
        .create(
            admin,
            new PoolSpec(
                "silence-" + run,
                PoolKind.POOLED,
                "tiny",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                maxSize,
                0,
                1,
                Set.of(),
                Set.of("everyone")),
            null)
        .id();
  }
}
