package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json refuses what the chart would otherwise ignore or misuse. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # a misspelt or unknown key, at the top and deep down
          ingres.enabled                   | false       | additional properties 'ingres' not allowed
          controlPlane.replicas            | 3           | additional properties 'replicas' not allowed
          nodeAgent.kvm.mod                | hostPath    | additional properties 'mod' not allowed
          externalDatabase.existingSecrets | db          | additional properties 'existingSecrets' not allowed
          # a value outside its set or range
          nodeAgent.kvm.mode               | both        | value must be one of
          controlPlane.placement.strategy  | random      | value must be one of
          controlPlane.replicaCount        | 0           | minimum
          controlPlane.ports.http          | 70000       | maximum
          """)
  void refuses(String key, String value, String reason) {
    assertThatThrownBy(
            () -> VeneerChart.render(VeneerChart.ciValues("minimal"), Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest(name = "without {0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          externalDatabase.host            | externalDatabase.host is required
          externalKafka.bootstrapServers   | externalKafka.bootstrapServers is required
          externalKeycloak.issuerUri       | externalKeycloak.issuerUri is required
          nodeAgent.tokensSecret           | nodeAgent.tokensSecret is required
          """)
  void namesEachSettingAnInstallCannotDoWithout(String key, String message) {
    assertThatThrownBy(() -> VeneerChart.render(VeneerChart.ciValues("minimal"), Map.of(key, "")))
        .hasMessageContaining(message);
  }
}
