package io.veneer.helm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks rendered objects against the Kubernetes API as fabric8's model (kubernetes-model 8.0.0,
 * generated from Kubernetes 1.35's OpenAPI schema) describes it, read with the model's own Jackson
 * 3 and its deserializers. The model keeps fields it does not know in {@code additionalProperties}
 * instead of failing, so every such map in the object tree must be empty: a misspelt or misplaced
 * field is an error here as it would be for {@code kubectl apply --validate=strict}.
 */
final class StrictKubernetesApi {

  /** Every kind the chart may render, by apiVersion and kind. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Secret", Secret.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/ServiceAccount", ServiceAccount.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("apps/v1/StatefulSet", StatefulSet.class),
          Map.entry("apps/v1/DaemonSet", DaemonSet.class),
          Map.entry("batch/v1/Job", Job.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
          Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
          Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
          Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The rendered YAML's parser (Jackson 2) hands over JSON text. */
  private static final com.fasterxml.jackson.databind.ObjectMapper TEXT =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private StrictKubernetesApi() {}

  /** What is wrong with one object, one sentence per problem; empty when it is valid. */
  static List<String> problems(ObjectNode object) {
    String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
    String name = type + " " + object.path("metadata").path("name").asText("<no name>");
    Class<? extends HasMetadata> model = KINDS.get(type);
    if (model == null) {
      return List.of(name + ": not a kind this chart is known to render (" + KINDS.keySet() + ")");
    }
    HasMetadata parsed;
    try {
      parsed = JSON.readValue(json(object), model);
    } catch (JacksonException e) {
      return List.of(name + ": " + e.getOriginalMessage());
    }
    List<String> problems = new ArrayList<>();
    unknownFields(parsed, name, problems);
    if (parsed.getMetadata() == null || parsed.getMetadata().getName() == null) {
      problems.add(name + ": metadata.name is missing");
    }
    return problems;
  }

  private static String json(ObjectNode object) {
    try {
      return TEXT.writeValueAsString(object);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a parsed document back as JSON", e);
    }
  }

  private static void unknownFields(Object value, String path, List<String> problems) {
    switch (value) {
      case null -> {}
      case Map<?, ?> map -> map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
      case Collection<?> items -> {
        int index = 0;
        for (Object item : items) {
          unknownFields(item, path + "[" + index++ + "]", problems);
        }
      }
      default -> {
        if (value.getClass().getPackageName().startsWith("io.fabric8")) {
          modelFields(value, path, problems);
        }
      }
    }
  }

  private static void modelFields(Object model, String path, List<String> problems) {
    for (Method getter : model.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !getter.getName().startsWith("get")) {
        continue;
      }
      Object field = invoke(getter, model);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (field instanceof Map<?, ?> unknown && !unknown.isEmpty()) {
          problems.add(path + ": unknown field(s) " + unknown.keySet());
        }
      } else {
        String property = getter.getName().substring(3);
        unknownFields(
            field,
            path + "." + Character.toLowerCase(property.charAt(0)) + property.substring(1),
            problems);
      }
    }
  }

  private static Object invoke(Method getter, Object model) {
    try {
      return getter.invoke(model);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Cannot read " + getter, e);
    }
  }
}
