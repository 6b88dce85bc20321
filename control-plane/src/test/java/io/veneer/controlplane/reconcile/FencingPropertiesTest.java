package io.veneer.controlplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fencing settings: what a control plane accepts, and what it refuses to start with. */
class FencingPropertiesTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void manualByDefaultFencesNothingByItself() {
    assertThat(new FencingProperties("manual", List.of(), MINUTE, MINUTE).automatic()).isFalse();
  }

  @Test
  void aCommandMakesFencingAutomatic() {
    assertThat(
            new FencingProperties(
                    "command", List.of("/usr/local/bin/pdu-off", "{host}"), MINUTE, MINUTE)
                .automatic())
        .isTrue();
  }

  @Test
  void aCommandThatManualModeWouldNeverRunIsRefused() {
    assertThatThrownBy(
            () ->
                new FencingProperties("manual", List.of("/usr/local/bin/pdu-off"), MINUTE, MINUTE))
        .hasMessageContaining("veneer.fencing.mode=command");
  }

  @Test
  void commandModeWithoutACommandIsRefused() {
    assertThatThrownBy(() -> new FencingProperties("command", List.of(), MINUTE, MINUTE))
        .hasMessageContaining("needs veneer.fencing.command");
  }

  @Test
  void aCommandFoundThroughThePathIsRefused() {
    assertThatThrownBy(
            () -> new FencingProperties("command", List.of("pdu-off", "{host}"), MINUTE, MINUTE))
        .hasMessageContaining("absolute path")
        .hasMessageContaining("pdu-off");
  }

  @Test
  void anUnknownModeIsRefused() {
    assertThatThrownBy(() -> new FencingProperties("stonith", List.of(), MINUTE, MINUTE))
        .hasMessageContaining("manual or command");
  }

  @Test
  void aTimeoutOrPauseOfNothingIsRefused() {
    assertThatThrownBy(() -> new FencingProperties("manual", List.of(), Duration.ZERO, MINUTE))
        .hasMessageContaining("veneer.fencing.timeout");
    assertThatThrownBy(() -> new FencingProperties("manual", List.of(), MINUTE, Duration.ZERO))
        .hasMessageContaining("veneer.fencing.retry");
  }
}
