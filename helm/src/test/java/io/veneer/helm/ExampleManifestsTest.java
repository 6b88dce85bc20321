package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * helm/veneer/examples/minimal.yaml is what the chart renders with its defaults and the few
 * settings every install must give (ci/minimal.yaml): a reader sees the objects without Helm.
 */
class ExampleManifestsTest {

  static final Path EXAMPLE = VeneerChart.DIRECTORY.resolve("examples/minimal.yaml");

  static final String REGENERATE =
      "./mvnw -B -ntp -pl helm -am verify -Dtest=ExampleManifestsTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dveneer.helm.write-examples=true";

  /** The values of the generated Secrets differ at every rendering: the example shows a mark. */
  private static final Pattern GENERATED =
      Pattern.compile(
          "(?s)(name: veneer-(?:generated|console-grant|console-ca)\\n.*?\\ndata:\\n)"
              + "((?:  [a-z.-]+: [^\\n]*\\n)+)");

  @Test
  void theCommittedExampleIsWhatTheChartRendersNow() throws IOException {
    String rendered = withGeneratedValuesMarked(VeneerChart.render("minimal").text());
    if (Boolean.getBoolean("veneer.helm.write-examples")) {
      Files.createDirectories(EXAMPLE.getParent());
      Files.writeString(EXAMPLE, rendered);
    }

    assertThat(Files.exists(EXAMPLE) ? Files.readString(EXAMPLE) : "")
        .as("%s is stale; regenerate it with%n  %s", EXAMPLE, REGENERATE)
        .isEqualTo(rendered);
  }

  static String withGeneratedValuesMarked(String manifests) {
    Matcher matcher = GENERATED.matcher(manifests);
    StringBuilder marked = new StringBuilder();
    int secrets = 0;
    while (matcher.find()) {
      secrets++;
      matcher.appendReplacement(
          marked,
          Matcher.quoteReplacement(
              matcher.group(1)
                  + matcher
                      .group(2)
                      .replaceAll("(?m)^(  [a-z.-]+: ).*$", "$1<generated at install>")));
    }
    matcher.appendTail(marked);
    assertThat(secrets).as("the generated Secrets in the example").isEqualTo(3);
    return marked.toString();
  }
}
