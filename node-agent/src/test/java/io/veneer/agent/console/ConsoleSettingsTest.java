package io.veneer.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console listener's settings: a grant key file is optional, never without a listener. */
class ConsoleSettingsTest {

  private static final Map<String, String> LISTENER =
      Map.of(
          "VENEER_CONSOLE_LISTEN", "127.0.0.1:0",
          "VENEER_CONSOLE_TLS_CERT", "/tls/host.crt",
          "VENEER_CONSOLE_TLS_KEY", "/tls/host.key");

  @Test
  void aListenerNeedsNoGrantKeyFileItsControlPlaneSendsTheKeys() {
    assertThat(ConsoleSettings.fromEnvironment(LISTENER).grantKeyFile()).isNull();

    Map<String, String> withFile = new HashMap<>(LISTENER);
    withFile.put("VENEER_CONSOLE_GRANT_KEY", "/keys/grant.pub");
    assertThat(ConsoleSettings.fromEnvironment(withFile).grantKeyFile())
        .isEqualTo(Path.of("/keys/grant.pub"));
  }

  @Test
  void aGrantKeyFileWithoutAListenerIsRefusedRatherThanIgnored() {
    assertThatThrownBy(
            () ->
                ConsoleSettings.fromEnvironment(
                    Map.of("VENEER_CONSOLE_GRANT_KEY", "/keys/grant.pub")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("VENEER_CONSOLE_GRANT_KEY is set but there is no console listener");
    assertThat(ConsoleSettings.fromEnvironment(Map.of())).isNull();
  }

  @Test
  void aListenerIsAllThreeOfItsSettingsOrNone() {
    Map<String, String> partial = new HashMap<>(LISTENER);
    partial.remove("VENEER_CONSOLE_TLS_KEY");

    assertThatThrownBy(() -> ConsoleSettings.fromEnvironment(partial))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs all of");
  }
}
