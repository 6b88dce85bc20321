package io.veneer.localstack.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the launcher starts other JVMs: with the same JDK it runs on (21 or newer, found by the
 * {@code veneer} script), whatever {@code java} is first on the PATH. Each child gets a class-data
 * sharing archive of its own ({@code -XX:+AutoCreateSharedArchive}, JDK 19+): the first run writes
 * the classes it loaded when it exits, later runs map them instead of loading and verifying them
 * again, and the JVM itself makes a new one when the jar or the JDK changed.
 *
 * @param java the {@code java} binary
 * @param classpath the launcher's own classpath, for children that run code shipped with it (Kafka)
 * @param archives where each child's archive ({@code <name>.jsa}) is kept; empty with {@code
 *     VENEER_CDS=off}
 */
public record JavaCommand(Path java, String classpath, Optional<Path> archives) {

  /**
   * {@code VENEER_CDS}: {@code on} (the default) keeps archives in {@code directory}, {@code off}
   * runs without (the end-to-end tests: a first stop that writes every archive takes minutes on a
   * loaded machine).
   */
  public static Optional<Path> archives(Map<String, String> env, Path directory) {
    return switch (env.getOrDefault("VENEER_CDS", "on").strip()) {
      case "on", "" -> Optional.of(directory);
      case "off" -> Optional.empty();
      default ->
          throw new IllegalArgumentException(
              "VENEER_CDS must be on or off, not '" + env.get("VENEER_CDS") + "'");
    };
  }

  /** The JVM options of the archive {@code name}, none when archives are off. */
  public List<String> archiveOptions(String name) {
    return archives
        .map(
            directory ->
                List.of(
                    "-XX:SharedArchiveFile=" + directory.resolve(name + ".jsa"),
                    "-XX:+AutoCreateSharedArchive",
                    // A missing or outdated archive is expected on the first run: no warning.
                    "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"))
        .orElse(List.of());
  }

  /** Whether the child {@code name} will write its archive as it exits (it has none yet). */
  public boolean writesArchiveAtExit(String name) {
    return archives.map(directory -> !Files.exists(directory.resolve(name + ".jsa"))).orElse(false);
  }

  public static JavaCommand current(Optional<Path> archives) {
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
    command.addAll(archiveOptions(name));
    command.addAll(options);
    return command;
  }
}
