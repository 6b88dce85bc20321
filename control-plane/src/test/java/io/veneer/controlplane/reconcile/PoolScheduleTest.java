package io.veneer.controlplane.reconcile;

import static io.veneer.testsupport.time.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.agents.AgentCredentials;
import io.veneer.controlplane.agents.AgentGrpcServer;
import io.veneer.controlplane.agents.FollowingAgent;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPower;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.pools.PowerSchedule;
import io.veneer.controlplane.pools.SchedulePeriod;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.PoolEvent;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A pool's schedule on real PostgreSQL and Kafka, with an agent that does what it is told and the
 * control plane's clock set by the test while the reconciler runs: the pool's desktops rise and
 * fall at the times its periods begin and end, and its events say why.
 */
class PoolScheduleTest extends ControlPlaneSpringTest {

  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String host = "schedule-host-" + run;
  private FollowingAgent agent;

  @BeforeEach
  void aHostWithItsAgent() {
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    hosts.register(new HostRegistration(host, new Resources(32, 131_072, 2_048), Map.of(), ""));
    agent = new FollowingAgent(server.port(), host, credentials.issue(host)).connect();
  }

  @AfterEach
  void putTheClockBack() {
    CLOCK.followSystem();
    agent.close();
  }

  @Test
  void aScheduleRaisesAndLowersReadyDesktopsAtTheSetTimes() throws Exception {
    CLOCK.set(paris("2026-12-07T06:59")); // a Monday
    PowerSchedule office =
        new PowerSchedule(
            PARIS,
            List.of(
                new SchedulePeriod(WEEKDAYS, LocalTime.of(7, 0), LocalTime.of(19, 0), 3, 0),
                new SchedulePeriod(WEEKDAYS, LocalTime.of(8, 30), LocalTime.of(9, 30), 0, 5)));
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                        "schedule-" + run,
                        PoolKind.POOLED,
                        "tiny",
                        "v1",
                        AgentMessages.GOLDEN_DIGEST,
                        new Resources(1, 1024, 10),
                        1,
                        10,
                        0,
                        1,
                        Set.of(),
                        Set.of())
                    .toBuilder().power(new PoolPower(0, office)).build(),
                null)
            .id();
    await(PATIENCE, "one desktop before 07:00", () -> ready(pool) == 1 && live(pool) == 1);

    CLOCK.set(paris("2026-12-07T07:00"));
    await(PATIENCE, "three desktops from 07:00", () -> ready(pool) == 3);

    CLOCK.set(paris("2026-12-07T08:30"));
    await(PATIENCE, "five warm spares from 08:30", () -> ready(pool) == 5);

    CLOCK.set(paris("2026-12-07T09:30"));
    await(PATIENCE, "back to three at 09:30", () -> live(pool) == 3 && ready(pool) == 3);

    CLOCK.set(paris("2026-12-07T19:00"));
    await(PATIENCE, "one desktop from 19:00", () -> live(pool) == 1 && ready(pool) == 1);

    assertThat(sizingReasons(pool, 5))
        .containsExactly(
            "outside the schedule's periods (Europe/Paris): the pool's own: at least 1 desktops,"
                + " 0 warm spares",
            "schedule MON,TUE,WED,THU,FRI 07:00-19:00 (Europe/Paris): at least 3 desktops,"
                + " 0 warm spares",
            "schedule MON,TUE,WED,THU,FRI 07:00-19:00 and MON,TUE,WED,THU,FRI 08:30-09:30"
                + " (Europe/Paris): at least 3 desktops, 5 warm spares",
            "schedule MON,TUE,WED,THU,FRI 07:00-19:00 (Europe/Paris): at least 3 desktops,"
                + " 0 warm spares",
            "outside the schedule's periods (Europe/Paris): the pool's own: at least 1 desktops,"
                + " 0 warm spares");
  }

  private static Instant paris(String local) {
    return LocalDateTime.parse(local).atZone(PARIS).toInstant();
  }

  /** Free desktops running, not on their way out. */
  private long ready(UUID pool) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE pool_id = ? AND state = 'RUNNING' AND owner IS NULL"
            + " AND desktop_live(delete_requested_at, state)",
        Long.class,
        pool);
  }

  private long live(UUID pool) {
    return jdbc.queryForObject(
        "SELECT count(*) FROM desktop WHERE pool_id = ? AND desktop_live(delete_requested_at, state)",
        Long.class,
        pool);
  }

  /** The reasons of the pool's first {@code count} sizing-changed events on Kafka, in order. */
  private static List<String> sizingReasons(UUID pool, int count) {
    return sizingChanges(
            TOPICS.recordsOf(
                "veneer.pools.v1",
                pool.toString(),
                got -> sizingChanges(got).size() >= count,
                Duration.ofSeconds(30),
                Duration.ZERO))
        .stream()
        .limit(count)
        .map(PoolEvent::getReason)
        .toList();
  }

  private static List<PoolEvent> sizingChanges(List<ConsumerRecord<String, byte[]>> records) {
    List<PoolEvent> changes = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      try {
        PoolEvent event = PoolEvent.parseFrom(record.value());
        if (event.getType().equals("io.veneer.pool.sizing-changed")) {
          changes.add(event);
        }
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("Not a PoolEvent on the pool topic", e);
      }
    }
    return changes;
  }
}
