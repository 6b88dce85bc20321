package io.veneer.controlplane.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.events.v1.DesktopEvent;
import io.veneer.scheduler.cluster.Resources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every lifecycle transition reaches {@code veneer.desktops.v1} on real Kafka, once each. */
class DesktopEventsTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired JdbcTemplate jdbc;

  @Test
  void eachTransitionOfADesktopIsPublishedWithItsOwnEventId() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Caller erin = Caller.user("erin-" + run);
    hosts.register(
        new HostRegistration("events-host-" + run, new Resources(16, 65_536, 1_024), Map.of(), ""));
    UUID pool =
        pools
            .create(
                Caller.admin("admin"),
                new PoolSpec(
                    "events-" + run,
                    PoolKind.POOLED,
                    "win11",
                    "v1",
                    "sha256:aa",
                    new Resources(2, 2048, 20),
                    0,
                    10,
                    0,
                    1,
                    Set.of(erin.subject()),
                    Set.of()),
                null)
            .id();

    DesktopView desktop = desktops.create(erin, new DesktopService.CreateDesktop(pool, null), null);
    desktops.delete(erin, desktop.id());

    assertThat(
            jdbc.queryForList(
                "SELECT event_type FROM outbox_event WHERE record_key = ? ORDER BY id",
                String.class,
                desktop.id().toString()))
        .as("one outbox row per transition")
        .containsExactly(
            "io.veneer.desktop.requested",
            "io.veneer.desktop.state-changed",
            "io.veneer.desktop.state-changed");
    // A second's wait after the three: anything more would be a duplicate, or an event for a
    // transition that did not happen.
    List<ConsumerRecord<String, byte[]>> records =
        TOPICS.recordsOf(
            "veneer.desktops.v1",
            desktop.id().toString(),
            got -> got.size() >= 3,
            Duration.ofSeconds(30),
            Duration.ofMillis(500));
    List<String> moves = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      DesktopEvent event = DesktopEvent.parseFrom(record.value());
      moves.add(event.getFromState() + "->" + event.getToState());
      ids.add(event.getHeader().getEventId());
      assertThat(new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
          .isEqualTo(event.getHeader().getEventId());
    }
    assertThat(moves).containsExactly("->REQUESTED", "REQUESTED->SCHEDULED", "SCHEDULED->DELETING");
    assertThat(Set.copyOf(ids)).hasSize(3);
  }
}
