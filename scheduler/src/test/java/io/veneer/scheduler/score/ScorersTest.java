package io.veneer.scheduler.score;

import static io.veneer.scheduler.Hosts.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.veneer.scheduler.Hosts;
import io.veneer.scheduler.PlacementPolicy.Strategy;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.PlacementRequest.AntiAffinity;
import io.veneer.scheduler.cluster.PlacedDesktop;
import io.veneer.scheduler.cluster.Resources;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScorersTest {

  private static final PlacementRequest REQUEST =
      PlacementRequest.of(new Resources(2, 8 * GIB, 20), "sha256:golden", "pool-1")
          .withUser("alice");

  @ParameterizedTest(name = "{0} on a host with {1} vCPU and {2} GiB allocated scores {3}")
  @CsvSource({
    "SPREAD, 0, 0, 87.5",
    "SPREAD, 14, 56, 0",
    "PACK, 0, 0, 12.5",
    "PACK, 14, 56, 100",
    "PACK, 6, 24, 50"
  })
  void packingScoresUtilisationAfterPlacement(
      Strategy strategy, long vcpus, long gib, double expected) {
    var host = Hosts.host("h1").allocated(new Resources(vcpus, gib * GIB, 0)).build();

    assertThat(new PackingScorer(strategy).score(Hosts.view(host), REQUEST))
        .isCloseTo(expected, within(0.001));
  }

  @ParameterizedTest
  @CsvSource({"sha256:golden, 100", "sha256:other, 0"})
  void imageLocalityPrefersHostsCachingTheGoldenImage(String cached, double expected) {
    var host = Hosts.host("h1").cachedImages(Set.of(cached)).build();

    assertThat(new ImageLocalityScorer().score(Hosts.view(host), REQUEST)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "user-data disk on ''{0}'', host h1 scores {1}")
  @CsvSource({"h1, 100", "h2, 0", "'', 0"})
  void userDataLocalityPrefersTheHostHoldingTheUsersDisk(String diskHost, double expected) {
    var host = Hosts.host("h1").build();

    assertThat(
            new UserDataLocalityScorer().score(Hosts.view(host), REQUEST.withUserDataOn(diskHost)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "scope {0} with {1} desktops of pool-1 and {2} of alice scores {3}")
  @CsvSource({
    "POOL, 0, 0, 100",
    "POOL, 1, 0, 50",
    "POOL, 3, 3, 25",
    "USER, 3, 0, 100",
    "USER, 3, 1, 50",
    "NONE, 3, 3, 100"
  })
  void antiAffinitySpreadsOnePoolsOrOneUsersDesktops(
      AntiAffinity scope, int ofPool, int ofAlice, double expected) {
    var desktops = new java.util.ArrayList<PlacedDesktop>();
    for (int i = 0; i < ofPool; i++) {
      desktops.add(new PlacedDesktop("d" + i, "pool-1", i < ofAlice ? "alice" : ""));
    }
    var host = Hosts.host("h1").desktops(List.copyOf(desktops)).build();

    assertThat(new AntiAffinityScorer().score(Hosts.view(host), REQUEST.spreading(scope)))
        .isCloseTo(expected, within(0.001));
  }

  @ParameterizedTest
  @CsvSource({"6, 24, 100", "14, 0, 12.5", "0, 40, 37.5"})
  void balancePrefersEqualCpuAndMemoryUtilisation(long vcpus, long gib, double expected) {
    var host = Hosts.host("h1").allocated(new Resources(vcpus, gib * GIB, 0)).build();

    assertThat(new BalanceScorer().score(Hosts.view(host), REQUEST))
        .isCloseTo(expected, within(0.001));
  }
}
