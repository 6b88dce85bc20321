package io.veneer.controlplane.desktops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of states, allowed or refused: the specification of the lifecycle, written out. */
class DesktopLifecycleTest {

  /** The expected table, independent of the one in DesktopLifecycle. */
  private static final Map<DesktopState, String> EXPECTED =
      Map.ofEntries(
          Map.entry(DesktopState.REQUESTED, "SCHEDULED FAILED DELETING DELETED"),
          Map.entry(DesktopState.SCHEDULED, "PROVISIONING REQUESTED FAILED DELETING DELETED"),
          Map.entry(
              DesktopState.PROVISIONING, "STARTING STOPPED REQUESTED FAILED DELETING DELETED"),
          Map.entry(
              DesktopState.STARTING,
              "RUNNING STOPPING PROVISIONING REQUESTED DELETING FAILED DELETED"),
          Map.entry(
              DesktopState.RUNNING,
              "STOPPING REFRESHING PROVISIONING REQUESTED DELETING FAILED DELETED"),
          Map.entry(
              DesktopState.STOPPING,
              "STOPPED STARTING RUNNING REFRESHING PROVISIONING REQUESTED DELETING FAILED DELETED"),
          Map.entry(
              DesktopState.STOPPED,
              "STARTING REFRESHING PROVISIONING REQUESTED DELETING FAILED DELETED"),
          Map.entry(
              DesktopState.REFRESHING,
              "STOPPED STARTING PROVISIONING REQUESTED DELETING FAILED DELETED"),
          Map.entry(DesktopState.DELETING, "DELETED FAILED"),
          Map.entry(DesktopState.DELETED, ""),
          Map.entry(DesktopState.FAILED, "REQUESTED STARTING STOPPED DELETING DELETED"));

  static Stream<Arguments> everyPair() {
    return Arrays.stream(DesktopState.values())
        .flatMap(
            from ->
                Arrays.stream(DesktopState.values())
                    .map(to -> Arguments.of(from, to, expectedFrom(from).contains(to))));
  }

  private static Set<DesktopState> expectedFrom(DesktopState from) {
    String targets = EXPECTED.get(from);
    return targets.isEmpty()
        ? Set.of()
        : Arrays.stream(targets.split(" "))
            .map(DesktopState::valueOf)
            .collect(Collectors.toUnmodifiableSet());
  }

  @ParameterizedTest(name = "{0} -> {1} allowed: {2}")
  @MethodSource("everyPair")
  void allowsExactlyTheListedTransitions(DesktopState from, DesktopState to, boolean allowed) {
    assertThat(DesktopLifecycle.allows(from, to)).isEqualTo(allowed);
    UUID id = UUID.randomUUID();
    if (allowed) {
      DesktopLifecycle.check(id, from, to);
    } else {
      assertThatThrownBy(() -> DesktopLifecycle.check(id, from, to))
          .isInstanceOfSatisfying(
              IllegalTransitionException.class,
              e -> {
                assertThat(e.current()).isEqualTo(from);
                assertThat(e.requested()).isEqualTo(to);
                assertThat(e.getMessage()).contains("is " + from, "cannot go to " + to);
              });
    }
  }

  static Stream<Arguments> observedReports() {
    return Stream.of(
        Arguments.of(DesktopState.RUNNING, DesktopState.STOPPING, "STOPPING"),
        Arguments.of(DesktopState.SCHEDULED, DesktopState.RUNNING, "PROVISIONING STARTING RUNNING"),
        Arguments.of(DesktopState.RUNNING, DesktopState.STOPPED, "STOPPING STOPPED"),
        Arguments.of(DesktopState.STARTING, DesktopState.STOPPED, "STOPPING STOPPED"),
        Arguments.of(DesktopState.PROVISIONING, DesktopState.RUNNING, "STARTING RUNNING"),
        Arguments.of(DesktopState.STOPPED, DesktopState.RUNNING, "STARTING RUNNING"),
        Arguments.of(DesktopState.STOPPING, DesktopState.RUNNING, "RUNNING"),
        Arguments.of(DesktopState.REFRESHING, DesktopState.RUNNING, "STARTING RUNNING"),
        Arguments.of(DesktopState.DELETED, DesktopState.RUNNING, ""));
  }

  @ParameterizedTest(name = "{0} observed as {1}: {2}")
  @MethodSource("observedReports")
  void aReportThatSkipsStepsWalksTheObservedPath(
      DesktopState from, DesktopState observed, String steps) {
    assertThat(
            DesktopLifecycle.stepsTowards(from, observed)
                .map(s -> s.stream().map(Enum::name).collect(Collectors.joining(" "))))
        .isEqualTo(steps.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(steps));
  }

  @Test
  void everyStepOfAnObservedPathIsAnAllowedTransition() {
    for (var path : DesktopLifecycle.OBSERVED_PATHS) {
      for (int i = 1; i < path.size(); i++) {
        assertThat(DesktopLifecycle.allows(path.get(i - 1), path.get(i)))
            .as(path.get(i - 1) + " -> " + path.get(i))
            .isTrue();
      }
    }
  }

  @Test
  void aDesktopRefusesAnIllegalMoveAndKeepsItsState() {
    Desktop desktop = new Desktop(UUID.randomUUID(), UUID.randomUUID(), null, "v1", PowerState.ON);

    assertThatThrownBy(() -> desktop.moveTo(DesktopState.RUNNING))
        .isInstanceOf(IllegalTransitionException.class);
    assertThat(desktop.state()).isEqualTo(DesktopState.REQUESTED);
  }

  @Test
  void refreshingRecreatesTheOverlayFromTheNewGoldenVersion() {
    Desktop desktop = new Desktop(UUID.randomUUID(), UUID.randomUUID(), null, "v1", PowerState.ON);
    desktop.scheduleOn("host-1");
    desktop.moveTo(DesktopState.PROVISIONING);
    desktop.moveTo(DesktopState.STARTING);
    desktop.moveTo(DesktopState.RUNNING);
    long spec = desktop.specGeneration();

    desktop.sawOsDisk(1);
    desktop.replaceOsDisk("v2");

    assertThat(desktop.state())
        .as("the phase is its agent's to report")
        .isEqualTo(DesktopState.RUNNING);
    assertThat(desktop.refreshing()).isTrue();
    assertThat(desktop.goldenVersion()).isEqualTo("v2");
    assertThat(desktop.osDiskGeneration()).isEqualTo(2);
    assertThat(desktop.specGeneration()).isGreaterThan(spec);
  }
}
