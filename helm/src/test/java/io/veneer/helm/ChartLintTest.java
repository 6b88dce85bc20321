package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code helm lint --strict}: warnings fail too. */
class ChartLintTest {

  @Test
  void theChartLintsStrictlyWithItsDefaults() {
    assertLintsCleanly(VeneerChart.lint(VeneerChart.DIRECTORY));
  }

  /**
   * helm-java's lint takes no values file, so each ci file is laid over a copy of the chart's
   * values.yaml (as {@code helm lint -f} would merge it), and the copy is linted.
   */
  @ParameterizedTest(name = "ci/{0}.yaml")
  @ValueSource(
      strings = {
        "minimal",
        "ha",
        "bundled",
        "existing-secrets",
        "kvm-device-plugin",
        "kvm-host-path"
      })
  void theChartLintsStrictlyWithEachCiValuesFile(String values, @TempDir Path temp)
      throws IOException {
    Path chart = copyChart(temp.resolve("veneer"));
    ObjectNode defaults =
        (ObjectNode) Manifests.YAML.readTree(chart.resolve("values.yaml").toFile());
    JsonNode overlay = Manifests.YAML.readTree(VeneerChart.ciValues(values).toFile());
    Manifests.YAML.writeValue(chart.resolve("values.yaml").toFile(), merge(defaults, overlay));

    assertLintsCleanly(VeneerChart.lint(chart));
  }

  private static void assertLintsCleanly(LintResult result) {
    assertThat(result.getMessages())
        .as("lint messages")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  private static ObjectNode merge(ObjectNode base, JsonNode overlay) {
    overlay
        .properties()
        .forEach(
            field -> {
              JsonNode current = base.get(field.getKey());
              if (current instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
              } else {
                base.set(field.getKey(), field.getValue());
              }
            });
    return base;
  }

  private static Path copyChart(Path target) throws IOException {
    try (Stream<Path> files = Files.walk(VeneerChart.DIRECTORY)) {
      for (Path source : files.toList()) {
        Path copy = target.resolve(VeneerChart.DIRECTORY.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(source, copy);
        }
      }
    }
    return target;
  }
}
