package io.veneer.controlplane.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.controlplane.ControlPlaneSpringTest;
import io.veneer.controlplane.desktops.DesktopService;
import io.veneer.controlplane.desktops.DesktopView;
import io.veneer.controlplane.hosts.HostRegistration;
import io.veneer.controlplane.hosts.HostService;
import io.veneer.controlplane.pools.PoolKind;
import io.veneer.controlplane.pools.PoolPlacement;
import io.veneer.controlplane.pools.PoolService;
import io.veneer.controlplane.pools.PoolSpec;
import io.veneer.controlplane.security.Caller;
import io.veneer.scheduler.cluster.Resources;
import io.veneer.testsupport.builders.AgentMessages;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A pool's placement rules hold on real PostgreSQL: its desktops land only on hosts with its
 * required labels in its zone, and when no host has them the refusal names the rule.
 */
class PoolPlacementRulesTest extends ControlPlaneSpringTest {

  @Autowired HostService hosts;
  @Autowired PoolService pools;
  @Autowired DesktopService desktops;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  // Its own zone, so that hosts other tests registered in this database play no part.
  private final String zone = "zone-" + run;
  private final PoolPlacement gpuOnly = new PoolPlacement(Map.of("gpu", "true"), zone);

  @Test
  void aPoolRequiringGpuNeverLandsOnAHostWithoutIt() {
    register("plain-" + run, Map.of());
    register("plain-too-" + run, Map.of("gpu", "false"));
    register("gpu-" + run, Map.of("gpu", "true"));
    UUID pool = pool("cad-" + run, 4);

    for (int i = 0; i < 4; i++) {
      DesktopView desktop =
          desktops.create(
              Caller.user("user-" + i + "-" + run),
              new DesktopService.CreateDesktop(pool, null),
              null);

      assertThat(desktop.hostId()).as(desktop.failureReason()).isEqualTo("gpu-" + run);
    }
  }

  @Test
  void aPoolNoHostCanRunIsRefusedNamingTheRule() {
    register("no-gpu-" + run, Map.of());
    UUID pool = pool("cad-nowhere-" + run, 1);

    DesktopView desktop =
        desktops.create(
            Caller.user("user-0-" + run), new DesktopService.CreateDesktop(pool, null), null);

    assertThat(desktop.hostId()).isNull();
    assertThat(desktop.failureReason()).contains("missing label gpu=true");
  }

  @ParameterizedTest(name = "{0}: {1} desktops on the busiest host")
  @CsvSource({"pack, 4", "spread, 2"})
  void aPoolSpreadsOrPacksItsDesktopsWhateverTheFleetDoes(String strategy, long onBusiest) {
    register("first-" + run, Map.of("gpu", "true"));
    register("second-" + run, Map.of("gpu", "true"));
    UUID pool =
        pool(strategy + "-" + run, 4, new PoolPlacement(Map.of("gpu", "true"), zone, strategy));

    Map<String, Long> perHost =
        java.util.stream.IntStream.range(0, 4)
            .mapToObj(
                i ->
                    desktops.create(
                        Caller.user("user-" + i + "-" + run),
                        new DesktopService.CreateDesktop(pool, null),
                        null))
            .collect(
                java.util.stream.Collectors.groupingBy(
                    DesktopView::hostId, java.util.stream.Collectors.counting()));

    assertThat(perHost.values().stream().mapToLong(Long::longValue).max().orElse(0))
        .as("%s", perHost)
        .isEqualTo(onBusiest);
  }

  @Test
  void aPoolKeepsItsRulesAsStored() {
    UUID pool = pool("kept-" + run, 1);

    assertThat(pools.get(Caller.admin("admin"), pool).spec().placement()).isEqualTo(gpuOnly);
  }

  private void register(String host, Map<String, String> labels) {
    hosts.register(new HostRegistration(host, new Resources(16, 65_536, 1_024), labels, zone));
  }

  private UUID pool(String name, int users) {
    return pool(name, users, gpuOnly);
  }

  private UUID pool(String name, int users, PoolPlacement placement) {
    Set<String> entitled =
        java.util.stream.IntStream.range(0, users)
            .mapToObj(i -> "user-" + i + "-" + run)
            .collect(java.util.stream.Collectors.toSet());
    return pools
        .create(
            Caller.admin("admin"),
            new PoolSpec(
                name,
                PoolKind.DEDICATED,
                "win11",
                "v1",
                AgentMessages.GOLDEN_DIGEST,
                new Resources(1, 1024, 10),
                0,
                10,
                0,
                1,
                entitled,
                Set.of(),
                null,
                placement),
            null)
        .id();
  }
}
