package io.veneer.localstack.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the launcher starts other JVMs: with the same JDK it runs on (21 or newer, found by the
 * {@code veneer} script), whatever {@code java} is first on the PATH. Each child gets a class-data
 * sharing archive of its own ({@code -XX:+AutoCreateSharedArchive}, JDK 19+): the first run writes
 * the classes it loaded when it exits, later runs map them instead of loading and verifying them
 * again, and the JVM itself makes a new one when the jar or the JDK changed.
 *
 * @param java the {@code java} binary
 * @param classpath the launcher's own classpath, for children that run code shipped with it (Kafka)
 * @param archives where each child's archive ({@code <name>.jsa}) is kept
 */
public record JavaCommand(Path java, String classpath, Path archives) {

  public static JavaCommand current(Path archives) {
    return new JavaCommand(
        Path.of(System.getProperty("java.home"), "bin", "java"),
        System.getProperty("java.class.path"),
        archives);
  }

  /** {@code java <archive> <options> -jar <jar> <arguments>}. */
  public List<String> jar(String name, Path jar, List<String> options, List<String> arguments) {
    List<String> command = start(name, options);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(arguments);
    return command;
  }

  /** {@code java <archive> <options> -cp <launcher classpath> <main class> <arguments>}. */
  public List<String> mainClass(
      String name, String mainClass, List<String> options, List<String> arguments) {
    List<String> command = start(name, options);
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(arguments);
    return command;
  }

  /** The archive flags apply only on JDK 19+; the script guarantees 21+. */
  private List<String> start(String name, List<String> options) {
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.add("-XX:SharedArchiveFile=" + archives.resolve(name + ".jsa"));
    command.add("-XX:+AutoCreateSharedArchive");
    // A missing or outdated archive is expected on the first run: no warning in the log.
    command.add("-Xlog:cds=off");
    command.add("-Xlog:cds+dynamic=off");
    command.addAll(options);
    return command;
  }
}
