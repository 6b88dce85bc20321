package io.veneer.controlplane.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.veneer.agent.v1.AgentMessage;
import io.veneer.agent.v1.CachedImage;
import io.veneer.agent.v1.ImageCacheChange;
import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.hosts.HostImages;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Agents report their image caches, and placement prefers a host that needs no download. */
class ImageLocalityTest extends ControlPlaneSpringTest {

  private static final String GOLDEN = AgentMessages.GOLDEN_DIGEST;

  @Autowired HostService hosts;
  @Autowired HostImages hostImages;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;
  @Autowired AgentCredentials credentials;
  @Autowired AgentGrpcServer server;
  @Autowired JdbcTemplate jdbc;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String hostA = "cache-a-" + run;
  private final String hostB = "cache-b-" + run;

  @Test
  void desktopsGoWhereTheirGoldenImageIsAlreadyCachedAsAgentsReportIt() throws Exception {
    // Hosts of other test classes are put aside: the choice is between these two only.
    jdbc.update("UPDATE host SET state = 'MAINTENANCE'");
    try (TestAgent a = connect(hostA, Set.of());
        TestAgent b = connect(hostB, Set.of(GOLDEN))) {
      UUID pool = pool();

      assertThat(placeOne(pool)).as("only B caches the image").isEqualTo(hostB);

      b.send(cacheChange(Set.of(), Set.of(GOLDEN)));
      a.send(cacheChange(Set.of(GOLDEN), Set.of()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  hostImages.all().getOrDefault(hostA, Set.of()).contains(GOLDEN)
                      && !hostImages.all().getOrDefault(hostB, Set.of()).contains(GOLDEN));
      assertThat(placeOne(pool)).isEqualTo(hostA);
      assertThat(placeOne(pool))
          .as("one desktop on each host: the cached image breaks the tie")
          .isEqualTo(hostA);
    }
  }

  private TestAgent connect(String host, Set<String> cached) throws InterruptedException {
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), Map.of(), ""));
    TestAgent agent = new TestAgent(server.port(), credentials.issue(host));
    agent.send(
        AgentMessage.newBuilder()
            .setHello(
                AgentMessages.hello(host)
                    .addAllCachedImages(
                        cached.stream()
                            .map(d -> CachedImage.newBuilder().setDigest(d).setSizeBytes(1).build())
                            .toList()))
            .build());
    assertThat(agent.next().hasDesiredSet()).isTrue();
    return agent;
  }

  private static AgentMessage cacheChange(Set<String> added, Set<String> removed) {
    return AgentMessage.newBuilder()
        .setImageCacheChange(
            ImageCacheChange.newBuilder()
                .addAllAdded(
                    added.stream()
                        .map(d -> CachedImage.newBuilder().setDigest(d).setSizeBytes(1).build())
                        .toList())
                .addAllRemovedDigests(removed))
        .build();
  }

  private UUID pool() {
    return pools
        .create(
            Caller.admin("admin"),
            new PoolSpec(
                "locality-" + run,
                PoolKind.POOLED,
                "tiny",
                "v1",
                GOLDEN,
                new Resources(2, 2048, 20),
                0,
                10,
                0,
                1,
                Set.of(),
                Set.of()),
            null)
        .id();
  }

  private String placeOne(UUID pool) {
    String user = "user-" + UUID.randomUUID();
    return desktops
        .create(Caller.admin(user), new DesktopService.CreateDesktop(pool, user), null)
        .hostId();
  }
}
