package io.veneer.controlplane.placement;

import io.veneer.controlplane.StandaloneControlPlane;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopRepository;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolRepository;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.kafka.KafkaTopics;
import io.veneer.testsupport.kafka.TestKafka;
import io.veneer.testsupport.postgres.PostgresDatabase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.springframework.context.ConfigurableApplicationContext;

/** Two control-plane replicas on one database, as separate application contexts. */
final class TwoReplicas implements AutoCloseable {

  final ConfigurableApplicationContext a;
  final ConfigurableApplicationContext b;

  /** Starts both on {@code db}, with {@code settings} (name=value pairs) besides the defaults. */
  TwoReplicas(PostgresDatabase db, String... settings) {
    KafkaTopics topics = TestKafka.freshTopics(TwoReplicas.class);
    topics.create(3, "veneer.desktops.v1", "veneer.hosts.v1", "veneer.pools.v1");
    this.a = replica(db, topics, settings);
    this.b = replica(db, topics, settings);
  }

  private static ConfigurableApplicationContext replica(
      PostgresDatabase db, KafkaTopics topics, String... settings) {
    return StandaloneControlPlane.start(
        db,
        topics,
        Stream.concat(
                Stream.of(
                    "veneer.agents.grpc-port=-1",
                    "veneer.api.grpc-port=-1",
                    // The tests place desktops themselves; a pool controller would race them for
                    // them.
                    "veneer.reconciler.enabled=false"),
                Stream.of(settings))
            .toArray(String[]::new));
  }

  /** Registers {@code count} hosts of 64 vCPUs / 256 GiB, named {@code prefix-00} on. */
  void registerLargeHosts(String prefix, int count) {
    HostService hosts = a.getBean(HostService.class);
    for (int i = 0; i < count; i++) {
      hosts.register(
          new HostRegistration(
              "%s-%02d".formatted(prefix, i), new Resources(64, 262_144, 4_096), Map.of(), ""));
    }
  }

  /** A pooled pool of 1-vCPU desktops, without warm spares, of at most {@code maxSize}. */
  Pool pooledPool(String name, int maxSize) {
    return pooledPool(name, new Resources(1, 1024, 10), maxSize);
  }

  /** A pooled pool of {@code desktop}-sized desktops, without warm spares. */
  Pool pooledPool(String name, Resources desktop, int maxSize) {
    return a.getBean(PoolRepository.class)
        .save(
            new Pool(
                UUID.randomUUID(),
                new PoolSpec(
                    name,
                    PoolKind.POOLED,
                    "win11",
                    "v1",
                    "sha256:aa",
                    desktop,
                    0,
                    maxSize,
                    0,
                    1,
                    Set.of(),
                    Set.of())));
  }

  /** {@code count} new desktops of the pool, nobody's, not yet placed. */
  List<Desktop> freeDesktops(Pool pool, int count) {
    return IntStream.range(0, count).mapToObj(i -> freeDesktop(pool.id())).toList();
  }

  /** A new desktop of the pool, nobody's, not yet placed. */
  Desktop freeDesktop(UUID pool) {
    return a.getBean(DesktopRepository.class)
        .save(new Desktop(UUID.randomUUID(), pool, null, "v1", PowerState.ON));
  }

  @Override
  public void close() {
    b.close();
    a.close();
  }
}
