package io.veneer.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The validator itself: what it must refuse, so that a green RenderedChartTest means something. */
class StrictKubernetesApiTest {

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: example
      spec:
        replicas: 2
        selector:
          matchLabels: {app: example}
        template:
          metadata:
            labels: {app: example}
          spec:
            containers:
              - name: example
                image: example:1
                ports:
                  - name: http
                    containerPort: 8080
                readinessProbe:
                  httpGet: {path: /ready, port: http}
      """;

  @Test
  void acceptsAValidObject() throws IOException {
    assertThat(StrictKubernetesApi.problems(parse(DEPLOYMENT))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          a misspelt top-level field | 'replicas: 2'          | 'replica: 2'              | spec: unknown field(s) [replica]
          a field at the wrong level | '    containers:'      | '    runAsNonRoot: true\\n    containers:' | spec.template.spec: unknown field(s) [runAsNonRoot]
          a misspelt field in a list | 'image: example:1'     | 'imag: example:1'         | containers[0]: unknown field(s) [imag]
          a misspelt field deep down | 'path: /ready'        | 'paht: /ready'            | httpGet: unknown field(s) [paht]
          a wrong type               | 'containerPort: 8080' | 'containerPort: [8080]'   | Cannot deserialize
          an unknown kind            | 'kind: Deployment'    | 'kind: Deploymnet'        | not a kind this chart is known to render
          """)
  void refuses(String what, String valid, String broken, String problem) throws IOException {
    String yaml = DEPLOYMENT.replace(valid, broken.replace("\\n", "\n"));
    assertThat(yaml).as("the case changes the object").isNotEqualTo(DEPLOYMENT);

    assertThat(StrictKubernetesApi.problems(parse(yaml))).anyMatch(p -> p.contains(problem));
  }

  private static ObjectNode parse(String yaml) throws IOException {
    return (ObjectNode) Manifests.YAML.readTree(yaml);
  }
}
