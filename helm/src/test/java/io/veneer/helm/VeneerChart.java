package io.veneer.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.Map;

/** The chart helm/veneer, rendered and linted with Helm's own library (helm-java). */
public final class VeneerChart {

  /** The chart, seen from the module's directory (where Surefire runs the tests). */
  public static final Path DIRECTORY = Path.of("veneer").toAbsolutePath();

  /** The values files the tests render the chart with, each complete on its own. */
  public static final Path CI_VALUES = DIRECTORY.resolve("ci");

  /** The Kubernetes version the chart is rendered for and its objects are validated against. */
  public static final String KUBERNETES_VERSION = "1.35.0";

  public static final String RELEASE = "veneer";
  public static final String NAMESPACE = "veneer";

  private VeneerChart() {}

  public static Path ciValues(String name) {
    return CI_VALUES.resolve(name + ".yaml");
  }

  /** {@code helm template veneer helm/veneer -f <values> --set k=v ...}. */
  public static Manifests render(Path valuesFile, Map<String, ?> overrides) {
    TemplateCommand template =
        new Helm(DIRECTORY)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBERNETES_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, ?> override : overrides.entrySet()) {
      template = template.set(override.getKey(), override.getValue());
    }
    return Manifests.parse(template.call());
  }

  public static Manifests render(String ciValues) {
    return render(ciValues(ciValues), Map.of());
  }

  /** {@code helm lint --strict} of a chart directory. */
  public static LintResult lint(Path chart) {
    return new Helm(chart).lint().strict().call();
  }
}
