package io.veneer.helm.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veneer.helm.Manifests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.StreamSupport;

/**
 * The environment Kubernetes would give one container of a rendered workload: its envFrom
 * ConfigMaps, then its env entries (literal values, or keys of the rendered Secrets and ConfigMaps,
 * or of Secrets the operator made beforehand, named in existingSecret values), with Kubernetes'
 * precedence (env over envFrom). Anything it cannot resolve fails, so the chart cannot point at a
 * key nobody provides.
 */
record ContainerEnvironment(Map<String, String> variables, JsonNode container) {

  static ContainerEnvironment of(
      Manifests manifests,
      Map<String, Map<String, String>> existingSecrets,
      String kind,
      String workload,
      String name) {
    JsonNode container =
        StreamSupport.stream(
                Manifests.podSpec(manifests.get(kind, workload)).path("containers").spliterator(),
                false)
            .filter(c -> c.path("name").asText().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new NoSuchElementException(kind + " " + workload + " has no " + name));
    Map<String, String> variables = new LinkedHashMap<>();
    for (JsonNode source : container.path("envFrom")) {
      String configMap = source.path("configMapRef").path("name").asText(null);
      if (configMap == null) {
        throw new IllegalStateException("Only envFrom configMapRef is resolved, not " + source);
      }
      manifests
          .get("ConfigMap", configMap)
          .path("data")
          .properties()
          .forEach(e -> variables.put(e.getKey(), e.getValue().asText()));
    }
    for (JsonNode entry : container.path("env")) {
      variables.put(entry.path("name").asText(), value(manifests, existingSecrets, entry));
    }
    return new ContainerEnvironment(Map.copyOf(variables), container);
  }

  /** The readiness probe's path and the container port it names. */
  String readinessPath() {
    return container.path("readinessProbe").path("httpGet").path("path").asText();
  }

  int readinessPort() {
    String port = container.path("readinessProbe").path("httpGet").path("port").asText();
    return StreamSupport.stream(container.path("ports").spliterator(), false)
        .filter(p -> p.path("name").asText().equals(port))
        .map(p -> p.path("containerPort").asInt())
        .findFirst()
        .orElseGet(() -> Integer.parseInt(port));
  }

  private static String value(
      Manifests manifests, Map<String, Map<String, String>> existingSecrets, JsonNode entry) {
    if (entry.has("value")) {
      return entry.path("value").asText();
    }
    JsonNode from = entry.path("valueFrom");
    if (from.has("secretKeyRef")) {
      String name = from.path("secretKeyRef").path("name").asText();
      String key = from.path("secretKeyRef").path("key").asText();
      if (existingSecrets.containsKey(name)) {
        String value = existingSecrets.get(name).get(key);
        if (value == null) {
          throw new NoSuchElementException("The existing Secret " + name + " has no key " + key);
        }
        return value;
      }
      ObjectNode secret = manifests.get("Secret", name);
      JsonNode data = secret.path("data").path(key);
      if (data.isMissingNode()) {
        throw new NoSuchElementException("The rendered Secret lacks the key of " + entry);
      }
      return new String(Base64.getDecoder().decode(data.asText()), StandardCharsets.UTF_8);
    }
    if (from.has("configMapKeyRef")) {
      return manifests
          .get("ConfigMap", from.path("configMapKeyRef").path("name").asText())
          .path("data")
          .path(from.path("configMapKeyRef").path("key").asText())
          .asText();
    }
    throw new IllegalStateException("Cannot resolve " + entry + " outside a cluster");
  }
}
