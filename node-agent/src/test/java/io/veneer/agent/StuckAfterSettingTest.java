package io.veneer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a desktop's driver call counts as stuck: its documented default, and what is refused. */
class StuckAfterSettingTest {

  private static final Map<String, String> SIMULATED =
      Map.of("VENEER_DRIVER", "simulated", "VENEER_MEMORY_MIB", "10240");

  @Test
  void aDesktopIsStuckAfterAMinuteByDefault() {
    assertThat(AgentSettings.fromEnvironment(SIMULATED).stuckAfter())
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void refusesToCallAStopStuckWithinItsOwnGrace() {
    assertThatThrownBy(
            () ->
                AgentSettings.fromEnvironment(
                    with("VENEER_STOP_GRACE_SECONDS", "30", "VENEER_STUCK_AFTER_SECONDS", "30")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VENEER_STUCK_AFTER_SECONDS (30) must exceed VENEER_STOP_GRACE_SECONDS (30)");
  }

  private static Map<String, String> with(String... pairs) {
    Map<String, String> env = new HashMap<>(SIMULATED);
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }
}
