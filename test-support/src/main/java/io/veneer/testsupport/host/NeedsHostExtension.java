package io.veneer.testsupport.host;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** {@link NeedsHost}: left out when asked, otherwise the host programs must be there. */
public final class NeedsHostExtension implements ExecutionCondition, BeforeAllCallback {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    List<HostTool> without;
    try {
      without = HostTool.parse(context.getConfigurationParameter(HostTool.WITHOUT).orElse(""));
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(e.getMessage());
    }
    return needs(context).stream()
        .filter(without::contains)
        .findFirst()
        .map(tool -> ConditionEvaluationResult.disabled(tool.leftOut()))
        .orElse(ConditionEvaluationResult.enabled("needs only what it may use"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    for (HostTool tool : needs(context)) {
      Optional<String> missing = tool.missing(System.getenv());
      if (missing.isPresent()) {
        throw new IllegalStateException(
            tool.cannotRun(context.getRequiredTestClass().getSimpleName(), missing.get()));
      }
    }
  }

  private static List<HostTool> needs(ExtensionContext context) {
    return context
        .getTestClass()
        .flatMap(type -> AnnotationSupport.findAnnotation(type, NeedsHost.class))
        .map(needs -> Arrays.asList(needs.value()))
        .orElse(List.of());
  }
}
