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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
    List<ConsumerRecord<String, byte[]>> records = consume(desktop.id().toString(), 3);
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

  /** Reads the topic from the start until {@code count} records of {@code key} arrived. */
  private static List<ConsumerRecord<String, byte[]>> consume(String key, int count) {
    List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TOPICS.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(TOPICS.name("veneer.desktops.v1")));
      Instant deadline = Instant.now().plusSeconds(30);
      while (mine.size() < count && Instant.now().isBefore(deadline)) {
        consumer
            .poll(Duration.ofMillis(250))
            .forEach(
                record -> {
                  if (key.equals(record.key())) {
                    mine.add(record);
                  }
                });
      }
      // Anything more would be a duplicate or an event for a transition that did not happen.
      consumer
          .poll(Duration.ofMillis(500))
          .forEach(
              r -> {
                if (key.equals(r.key())) {
                  mine.add(r);
                }
              });
    }
    return mine;
  }
}
