package io.veneer.scheduler.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veneer.scheduler.Hosts;
import io.veneer.scheduler.PlacementRequest;
import io.veneer.scheduler.cluster.HostState;
import io.veneer.scheduler.cluster.OvercommitRatios;
import io.veneer.scheduler.cluster.Resources;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostFiltersTest {

  private static final PlacementRequest REQUEST =
      PlacementRequest.of(new Resources(2, 2048, 20), "sha256:a", "pool-1");

  @ParameterizedTest(name = "a host {0} -> {1}")
  @CsvSource({
    "UP,          passes,              ''",
    "MAINTENANCE, host-in-maintenance, in maintenance",
    "DRAINING,    host-draining,       draining",
    "FENCED,      host-fenced,         fenced",
    "SILENT,      host-silent,         not heard from lately",
    "DOWN,        host-down,           down"
  })
  void onlyHostsThatAreUpTakeDesktops(HostState state, String code, String phrase) {
    var host = Hosts.host("h1").state(state).build();

    var verdict = new HostStateFilter().check(Hosts.view(host), REQUEST);

    assertThat(describe(verdict))
        .isEqualTo(code.equals("passes") ? "passes" : code + ": " + phrase);
  }

  @ParameterizedTest(name = "host labels [{0}], required [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          gpu=true          | gpu=true          | passes
          gpu=true,ssd=yes  | gpu=true          | passes
          gpu=true,ssd=yes  | gpu=true,ssd=yes  | passes
          gpu=false         | gpu=true          | missing-label: missing label gpu=true
          ''                | gpu=true          | missing-label: missing label gpu=true
          GPU=true          | gpu=true          | missing-label: missing label gpu=true
          gpu=true          | ''                | passes
          ''                | ''                | passes
          """)
  void hostsMustCarryEveryRequiredLabelWithItsValue(
      String hostLabels, String required, String expected) {
    var host = Hosts.host("h1").labels(labels(hostLabels)).build();

    var verdict = new LabelFilter().check(Hosts.view(host), REQUEST.withLabels(labels(required)));

    assertThat(describe(verdict)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "host in [{0}], request pinned to [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          zone-a | zone-a | passes
          zone-a | ''     | passes
          ''     | ''     | passes
          zone-b | zone-a | wrong-zone: not in zone zone-a
          ''     | zone-a | wrong-zone: not in zone zone-a
          """)
  void requestsPinnedToAZoneOnlyGoThere(String hostZone, String requiredZone, String expected) {
    var host = Hosts.host("h1").zone(hostZone).build();

    var verdict = new ZoneFilter().check(Hosts.view(host), REQUEST.inZone(requiredZone));

    assertThat(describe(verdict)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "driver offers [{0}], desktop needs [{1}] -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          display,firmware:bios       | display,firmware:bios | passes
          display,firmware:bios       | ''                    | passes
          firmware:bios               | display               | missing-capability: driver lacks display
          display,firmware:bios       | display,firmware:uefi | missing-capability: driver lacks firmware:uefi
          ''                          | boot:disk,display     | missing-capability: driver lacks boot:disk
          """)
  void hostsMustHaveADriverThatCanDoWhatTheDesktopNeeds(
      String offered, String needed, String expected) {
    var host = Hosts.host("h1").capabilities(names(offered)).build();

    var verdict = new CapabilityFilter().check(Hosts.view(host), REQUEST.requiring(names(needed)));

    assertThat(describe(verdict)).isEqualTo(expected);
  }

  @Test
  void staticFiltersAreCheckedOncePerBatchAndResourceFitAfterEveryPlacement() {
    assertThat(new HostStateFilter().ignoresBatch()).isTrue();
    assertThat(new ZoneFilter().ignoresBatch()).isTrue();
    assertThat(new LabelFilter().ignoresBatch()).isTrue();
    assertThat(new CapabilityFilter().ignoresBatch()).isTrue();
    assertThat(new ResourceFitFilter().ignoresBatch()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"1.0, 0.9, 1.0, memory, 0.9", "0.5, 1.0, 1.0, vcpu, 0.5", "1.0, 1.0, 65, disk, 65.0"})
  void refusesOvercommitRatiosBelowOneOrAbsurdlyHigh(
      double vcpu, double memory, double disk, String resource, String shown) {
    assertThatThrownBy(() -> OvercommitRatios.of(vcpu, memory, disk))
        .hasMessage(
            "The "
                + resource
                + " overcommit ratio must be between 1.0 and 64.0 (a ratio below 1 would"
                + " strand capacity), not "
                + shown);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Insufficient-memory", "insufficient memory", "-x", "x-", "a--b"})
  void rejectionCodesAreStableKebabCase(String code) {
    assertThatThrownBy(() -> new Rejection(code, "some phrase"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower-case words joined by hyphens");
  }

  private static String describe(Optional<Rejection> verdict) {
    return verdict.map(r -> r.code() + ": " + r.phrase()).orElse("passes");
  }

  private static Set<String> names(String text) {
    return text.isBlank() ? Set.of() : Set.of(text.split(","));
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new HashMap<>();
    if (!text.isBlank()) {
      for (String pair : text.split(",")) {
        String[] parts = pair.split("=");
        labels.put(parts[0], parts[1]);
      }
    }
    return labels;
  }
}
