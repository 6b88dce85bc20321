package io.veneer.loadtests.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BootTimeTest {

  @ParameterizedTest(name = "''{0}'' is {1}..{2} ms")
  @CsvSource({"0, 0, 0", "2.5, 2500, 2500", "5-30, 5000, 30000", "' 1 - 2 ', 1000, 2000"})
  void readsSecondsOrARangeOfThem(String text, long min, long max) {
    BootTime boot = BootTime.parse(text);

    assertThat(boot.min()).isEqualTo(Duration.ofMillis(min));
    assertThat(boot.max()).isEqualTo(Duration.ofMillis(max));
    Random random = new Random(1);
    for (int i = 0; i < 100; i++) {
      assertThat(boot.draw(random)).isBetween(boot.min(), boot.max());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"soon", "30-5", "-1", ""})
  void refusesWhatIsNotABootTime(String text) {
    assertThatThrownBy(() -> BootTime.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "boot time" : text);
  }
}
