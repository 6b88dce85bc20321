package io.veneer.apidocs;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.env.MockEnvironment;

class ManagementPortGuardTest {

  @ParameterizedTest(name = "server.port={0}, management.server.port={1}")
  @CsvSource(
      nullValues = "unset",
      value = {"unset, unset", "8080, unset", "unset, 8080", "8443, 8443"})
  void refusesTheActuatorOnThePublicPort(String serverPort, String managementPort) {
    assertThatThrownBy(
            () -> ManagementPortGuard.requireItsOwnPort(environment(serverPort, managementPort)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("management.server.port")
        .hasMessageContaining("MANAGEMENT_PORT");
  }

  @ParameterizedTest(name = "server.port={0}, management.server.port={1}")
  @CsvSource(
      nullValues = "unset",
      value = {"8080, 9080", "unset, 9080", "8080, -1", "0, 0"})
  void acceptsAPortOfItsOwnOrNone(String serverPort, String managementPort) {
    assertThatCode(
            () -> ManagementPortGuard.requireItsOwnPort(environment(serverPort, managementPort)))
        .doesNotThrowAnyException();
  }

  private static MockEnvironment environment(String serverPort, String managementPort) {
    MockEnvironment environment = new MockEnvironment();
    if (serverPort != null) {
      environment.setProperty("server.port", serverPort);
    }
    if (managementPort != null) {
      environment.setProperty("management.server.port", managementPort);
    }
    return environment;
  }
}
