package io.veneer.controlplane.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cause in every state: the specification of the host lifecycle, written out. */
class HostLifecycleTest {

  /**
   * The expected outcome of each cause, state by state in the order UP, UNREACHABLE, MAINTENANCE,
   * DRAINING, FENCED, DOWN: the state it leads to, "=" for kept as it is, "!" for refused.
   */
  private static final Map<HostLifecycle, String> EXPECTED =
      Map.of(
          HostLifecycle.REGISTERED, "UP UP = = UP UP",
          HostLifecycle.ORDERED_UP, "UP UP UP UP ! !",
          HostLifecycle.ORDERED_MAINTENANCE, "MAINTENANCE MAINTENANCE MAINTENANCE MAINTENANCE ! !",
          HostLifecycle.ORDERED_DRAINING, "DRAINING DRAINING DRAINING DRAINING ! !",
          HostLifecycle.HEARTBEATS_STOPPED, "UNREACHABLE = = = = =",
          HostLifecycle.FENCED_BY_ADMIN, "FENCED FENCED FENCED FENCED FENCED FENCED",
          HostLifecycle.FENCED_BY_FENCER, "= FENCED = = = =");

  static Stream<Arguments> everyCauseInEveryState() {
    return Arrays.stream(HostLifecycle.values())
        .flatMap(
            cause -> {
              String[] outcomes = EXPECTED.get(cause).split(" ");
              return Arrays.stream(HostStatus.values())
                  .map(state -> Arguments.of(cause, state, outcomes[state.ordinal()]));
            });
  }

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @MethodSource("everyCauseInEveryState")
  void movesKeepsOrRefusesExactlyAsListed(
      HostLifecycle cause, HostStatus current, String expected) {
    switch (expected) {
      case "!" ->
          assertThatThrownBy(() -> cause.applyTo("h1", current))
              .isInstanceOf(HostStateConflictException.class)
              .hasMessageContaining("register the host again");
      case "=" -> assertThat(cause.applyTo("h1", current)).isEmpty();
      default -> assertThat(cause.applyTo("h1", current)).contains(HostStatus.valueOf(expected));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = HostStatus.class,
      names = {"UNREACHABLE", "FENCED", "DOWN"})
  void onlyMaintenanceDrainingAndUpAreOrders(HostStatus next) {
    assertThatThrownBy(() -> HostLifecycle.orderTo(next))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an order");
  }
}
