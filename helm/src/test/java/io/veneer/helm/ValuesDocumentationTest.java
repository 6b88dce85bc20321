package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** helm/README.md describes every key values.schema.json allows: one list, kept complete. */
class ValuesDocumentationTest {

  private static final Path README = Path.of("README.md").toAbsolutePath();

  /** Keys every Veneer service has, documented once as {@code <service>.key}. */
  private static final Set<String> SERVICES =
      Set.of("controlPlane", "webPortal", "goldenImageService", "nodeAgent");

  @Test
  void everyKeyOfTheSchemaIsDescribedInTheReadme() throws IOException {
    String readme = Files.readString(README);
    JsonNode schema =
        new ObjectMapper().readTree(VeneerChart.DIRECTORY.resolve("values.schema.json").toFile());

    assertThat(keys(schema, ""))
        .isNotEmpty()
        .allSatisfy(
            key ->
                assertThat(documented(readme, key))
                    .as("%s documents `%s` in its Values tables", README, key)
                    .isTrue());
  }

  private static boolean documented(String readme, String key) {
    if (readme.contains("`" + key + "`")) {
      return true;
    }
    int dot = key.indexOf('.');
    return dot > 0
        && SERVICES.contains(key.substring(0, dot))
        && readme.contains("`<service>" + key.substring(dot) + "`");
  }

  private static List<String> keys(JsonNode node, String prefix) {
    List<String> keys = new ArrayList<>();
    if (node.has("properties")) {
      node.path("properties")
          .properties()
          .forEach(
              p ->
                  keys.addAll(
                      keys(
                          p.getValue(),
                          prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey())));
    } else {
      keys.add(prefix);
    }
    return keys;
  }
}
