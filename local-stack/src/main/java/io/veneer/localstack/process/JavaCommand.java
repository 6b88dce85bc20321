package io.veneer.localstack.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the launcher starts other JVMs: with the same JDK it runs on (21 or newer, found by the
 * {@code veneer} script), whatever {@code java} is first on the PATH.
 *
 * @param java the {@code java} binary
 * @param classpath the launcher's own classpath, for children that run code shipped with it (Kafka)
 */
public record JavaCommand(Path java, String classpath) {

  public static JavaCommand current() {
    return new JavaCommand(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        System.getProperty("java.class.path"));
  }

  /** {@code java <options> -jar <jar> <arguments>}. */
  public List<String> jar(Path jar, List<String> options, List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(options);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(arguments);
    return command;
  }

  /** {@code java <options> -cp <launcher classpath> <main class> <arguments>}. */
  public List<String> mainClass(String mainClass, List<String> options, List<String> arguments) {
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(arguments);
    return command;
  }
}
