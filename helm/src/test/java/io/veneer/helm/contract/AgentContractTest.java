package io.veneer.helm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.veneer.helm.Manifests;
import io.veneer.helm.VeneerChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The node agent reads environment variables only, by name (AgentSettings): every variable the
 * chart gives its container, and the token its command exports, must be one of the names the
 * agent's jar reads. (The agent itself is not started here: it needs a KVM node's devices and a
 * registered host.)
 */
class AgentContractTest {

  private static final Path JAR = Path.of("..", "node-agent", "target", "node-agent.jar");
  private static final Pattern VARIABLE = Pattern.compile("VENEER_[A-Z0-9_]+");

  @ParameterizedTest(name = "ci/{0}.yaml")
  @ValueSource(strings = {"minimal", "ha", "bundled", "kvm-device-plugin", "kvm-host-path"})
  void everyVariableTheChartGivesTheAgentIsOneItReads(String values) throws IOException {
    JsonNode agent =
        Manifests.podSpec(VeneerChart.render(values).get("DaemonSet", "veneer-node-agent"))
            .path("containers")
            .get(0);
    Set<String> read = variablesTheAgentReads();
    Set<String> exportedByItsCommand = new HashSet<>();
    Matcher exported =
        Pattern.compile("export (VENEER_[A-Z0-9_]+)").matcher(agent.path("command").toString());
    while (exported.find()) {
      exportedByItsCommand.add(exported.group(1));
    }

    assertThat(exportedByItsCommand).containsExactly("VENEER_AGENT_TOKEN");
    assertThat(
            Stream.concat(
                StreamSupport.stream(agent.path("env").spliterator(), false)
                    .map(e -> e.path("name").asText()),
                exportedByItsCommand.stream()))
        .as("variables the chart gives the agent that %s does not read", JAR)
        .allMatch(name -> read.contains(name) || KnownSettings.JVM_VARIABLES.contains(name));
  }

  /** The VENEER_* names in the agent's own classes (its settings are read by those names). */
  private static Set<String> variablesTheAgentReads() throws IOException {
    Set<String> names = new HashSet<>();
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      for (ZipEntry entry : jar.stream().toList()) {
        if (entry.getName().startsWith("io/veneer/agent/") && entry.getName().endsWith(".class")) {
          Matcher matcher =
              VARIABLE.matcher(
                  new String(
                      jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1));
          while (matcher.find()) {
            names.add(matcher.group());
          }
        }
      }
    }
    assertThat(names)
        .as("names read by %s", JAR)
        .contains("VENEER_CONTROL_PLANE", "VENEER_HOST_ID");
    return names;
  }
}
