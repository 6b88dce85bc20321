package io.veneer.agent.balloon;

import static org.assertj.core.api.Assertions.assertThat;

import io.veneer.agent.hypervisor.GuestMemory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each row: a 1024 MiB guest with a 50 % floor, its balloon and use, and where it should go. */
class BalloonPolicyTest {

  private final BalloonPolicy policy = new BalloonPolicy(50);

  @ParameterizedTest(name = "pressure={0} balloon={1} used={2}: target {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # an idle guest gives its unused memory back down to its floor, and gets it back after
          true  | 1024 | 40   | 512
          false | 512  | 40   | 1024
          # a busy guest keeps what it uses plus headroom, and more when it needs more
          true  | 1024 | 700  | 732
          true  | 732  | 900  | 932
          true  | 1024 | 1000 | 1024
          # small wobbles of use move nothing; not having reported yet moves nothing under pressure
          true  | 732  | 710  | 732
          true  | 1024 | -    | 1024
          false | 600  | -    | 1024
          # nothing to do
          false | 1024 | 40   | 1024
          true  | 512  | 40   | 512
          """)
  void movesIdleGuestsToTheirFloorUnderPressureAndBackAfter(
      boolean pressure, long balloon, Long used, long target) {
    GuestMemory guest =
        used == null
            ? GuestMemory.unreported(1024, balloon)
            : new GuestMemory(1024, balloon, used, true);

    assertThat(policy.target(guest, pressure)).isEqualTo(target);
  }

  @Test
  void pressureBeginsAtEitherThresholdAndEndsOnlyWellBelowBoth() {
    HostPressure pressure =
        new HostPressure(new BalloonSettings(true, 50, 10, 1000, Duration.ofSeconds(5)));
    List<HostMemory.Reading> readings =
        List.of(
            new HostMemory.Reading(0, 5000),
            new HostMemory.Reading(10, 5000),
            new HostMemory.Reading(6, 5000),
            new HostMemory.Reading(4, 1500),
            new HostMemory.Reading(4, 2000),
            new HostMemory.Reading(0, 999),
            new HostMemory.Reading(0, 2500));

    assertThat(readings.stream().map(pressure::update))
        .containsExactly(false, true, true, true, false, true, false);
  }
}
