package io.veneer.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The waits between attempts to reopen the control-plane stream. */
class ReconnectBackoffTest {

  private final ReconnectBackoff backoff = ReconnectBackoff.STANDARD;

  @ParameterizedTest(name = "after {0} failures the base is {1} ms")
  @CsvSource({
    "1, 250",
    "2, 500",
    "3, 1000",
    "4, 2000",
    "7, 16000",
    "8, 30000",
    "9, 30000",
    "1000, 30000",
  })
  void doublesFromAQuarterSecondUpToThirtySeconds(int failures, long baseMillis) {
    assertThat(backoff.delay(failures, 0.5)).isEqualTo(Duration.ofMillis(baseMillis));
    assertThat(backoff.delay(failures, 0.0)).isEqualTo(Duration.ofMillis(baseMillis / 2));
    assertThat(backoff.delay(failures, 0.999_999))
        .isBetween(
            Duration.ofMillis(baseMillis * 3 / 2 - 1), Duration.ofMillis(baseMillis * 3 / 2));
  }

  @Test
  void spreadsAgentsCutOffTogetherAcrossTheWholeJitterWindow() {
    Random random = new Random(7);
    var delays =
        IntStream.range(0, 1000)
            .mapToObj(agent -> backoff.delay(3, random.nextDouble()).toMillis())
            .toList();

    assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(500L, 1500L));
    assertThat(delays.stream().filter(d -> d < 750)).as("early quarter").isNotEmpty();
    assertThat(delays.stream().filter(d -> d >= 1250)).as("late quarter").isNotEmpty();
    assertThat(delays.stream().distinct().count()).isGreaterThan(500);
  }

  @Test
  void refusesJitterOutsideItsRangeAndANonPositiveFailureCount() {
    assertThatThrownBy(() -> backoff.delay(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> backoff.delay(1, -0.1)).isInstanceOf(IllegalArgumentException.class);
  }
}
