package io.veneer.testsupport.junit;

import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Resolves parameters of one type to a value created once per test class. */
abstract class PerClassResource<T> implements ParameterResolver {

  private final Class<T> type;
  private final Function<Class<?>, T> factory;

  PerClassResource(Class<T> type, Function<Class<?>, T> factory) {
    this.type = type;
    this.factory = factory;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == type;
  }

  @Override
  public T resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    ExtensionContext classContext = classContextOf(context);
    return classContext
        .getStore(ExtensionContext.Namespace.create(getClass(), testClass))
        .computeIfAbsent(type.getName(), key -> factory.apply(testClass), type);
  }

  private static ExtensionContext classContextOf(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }
}
