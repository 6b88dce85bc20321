package io.veneer.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StackPortsTest {

  @Test
  void anOffsetMovesEveryPortTogether() {
    StackPorts ports = StackPorts.fromEnvironment(Map.of("VENEER_PORT_OFFSET", "100"));

    assertThat(ports)
        .isEqualTo(
            new StackPorts(
                15532, 19192, 19193, 8181, 9181, 9191, 8180, 9180, 9190, 9192, 8280, 8290, 8182));
  }

  @Test
  void namesWhatCannotStartWhenItsPortIsTaken() {
    assertThat(StackPorts.DEFAULTS.taken(port -> port != 8080))
        .containsExactly("8080 (control plane HTTP)");
  }

  @Test
  void refusesAnOffsetThatIsNotANumberSayingWhatItWants() {
    assertThatThrownBy(() -> StackPorts.fromEnvironment(Map.of("VENEER_PORT_OFFSET", "ten")))
        .hasMessageContaining("VENEER_PORT_OFFSET must be a whole number");
  }
}
