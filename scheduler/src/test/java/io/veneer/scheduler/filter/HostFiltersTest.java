package io.veneer.scheduler.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.scheduler.Hosts;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostFiltersTest {

  private static final PlacementRequest REQUEST =
      PlacementRequest.of(new Resources(2, 2048, 20), "sha256:a", "pool-1");

  @ParameterizedTest
  @CsvSource({
    "UP, passes",
    "MAINTENANCE, in maintenance",
    "DRAINING, draining",
    "FENCED, fenced",
    "DOWN, down"
  })
  void onlyHostsThatAreUpTakeDesktops(HostState state, String expected) {
    var host = Hosts.host("h1").state(state).build();

    var verdict = new HostStateFilter().check(Hosts.view(host), REQUEST);

    assertThat(verdict.map(Rejection::reason).orElse("passes")).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          gpu=true          | gpu=true          | passes
          gpu=true,ssd=yes  | gpu=true          | passes
          gpu=false         | gpu=true          | missing label gpu=true
          ''                | gpu=true          | missing label gpu=true
          gpu=true          | ''                | passes
          """)
  void hostsMustCarryEveryRequiredLabel(String hostLabels, String required, String expected) {
    var host = Hosts.host("h1").labels(labels(hostLabels)).build();

    var verdict = new LabelFilter().check(Hosts.view(host), REQUEST.withLabels(labels(required)));

    assertThat(verdict.map(Rejection::reason).orElse("passes")).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          zone-a | zone-a | passes
          zone-a | ''     | passes
          zone-b | zone-a | not in zone zone-a
          ''     | zone-a | not in zone zone-a
          """)
  void requestsPinnedToAZoneOnlyGoThere(String hostZone, String requiredZone, String expected) {
    var host = Hosts.host("h1").zone(hostZone).build();

    var verdict = new ZoneFilter().check(Hosts.view(host), REQUEST.inZone(requiredZone));

    assertThat(verdict.map(Rejection::reason).orElse("passes")).isEqualTo(expected);
  }

  @Test
  void refusesOvercommitRatiosBelowOne() {
    assertThatThrownBy(() -> OvercommitRatios.of(1.0, 0.9, 1.0))
        .hasMessage(
            "The memory overcommit ratio must be between 1.0 and 64.0 (a ratio below 1 would"
                + " strand capacity), not 0.9");
  }

  private static Map<String, String> labels(String text) {
    if (text.isBlank()) {
      return Map.of();
    }
    var labels = new java.util.HashMap<String, String>();
    for (String pair : text.split(",")) {
      String[] parts = pair.split("=");
      labels.put(parts[0], parts[1]);
    }
    return labels;
  }
}
