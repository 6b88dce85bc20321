package io.veneer.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** The objects one rendering of the chart produced, in order. */
public record Manifests(String text, List<ObjectNode> objects) {

  public static final ObjectMapper YAML = new YAMLMapper();

  public static Manifests parse(String text) {
    List<ObjectNode> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      var documents = YAML.readValues(parser, JsonNode.class);
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document instanceof ObjectNode object) {
          objects.add(object);
        } else if (document != null && !document.isNull() && !document.isMissingNode()) {
          throw new IllegalStateException("A rendered document is not an object: " + document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("The chart rendered invalid YAML", e);
    }
    return new Manifests(text, List.copyOf(objects));
  }

  public List<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  public ObjectNode get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("No " + kind + " " + name + " rendered"));
  }

  /** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job). */
  public static JsonNode podSpec(ObjectNode workload) {
    return workload.path("spec").path("template").path("spec");
  }
}
