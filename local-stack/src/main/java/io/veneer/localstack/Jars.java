package io.veneer.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The jars the stack runs, kept apart from the build's under {@code run/jars/}: a JVM loads classes
 * from its jar for as long as it runs, so a {@code ./mvnw package} while the stack is up would
 * otherwise pull the jar from under it (NoClassDefFoundError at the next new class). The Spring
 * Boot services are extracted ({@code -Djarmode=tools extract}: the application jar and its
 * libraries as plain files), which is what lets their class-data sharing archives hold the
 * application's classes too, not only the JDK's; the node agent's shaded jar is copied.
 */
record Jars(Path controlPlane, Path images, Path nodeAgent, Path portal) {

  static Jars preparedFrom(SourceTree tree, Path directory)
      throws IOException, InterruptedException {
    Files.createDirectories(directory);
    return new Jars(
        extract(tree.controlPlaneJar(), directory.resolve("control-plane")),
        extract(tree.imagesJar(), directory.resolve("golden-image-service")),
        copy(tree.nodeAgentJar(), directory.resolve("node-agent.jar")),
        extract(tree.portalJar(), directory.resolve("web-portal")));
  }

  /** The extracted application jar; extracted again only when the build's jar changed. */
  private static Path extract(Path jar, Path directory) throws IOException, InterruptedException {
    Path stamp = directory.resolve(".extracted-from");
    String source =
        jar.toAbsolutePath() + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar);
    Path extracted = directory.resolve(jar.getFileName());
    if (Files.exists(stamp) && Files.readString(stamp).equals(source) && Files.exists(extracted)) {
      return extracted;
    }
    Path scratch = directory.resolveSibling(directory.getFileName() + ".extracting");
    deleteRecursively(scratch);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = directory.resolveSibling(directory.getFileName() + ".extract.log");
    Process process =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Djarmode=tools",
                    "-jar",
                    jar.toString(),
                    "extract",
                    "--destination",
                    scratch.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(
          "could not extract "
              + jar
              + ": "
              + Files.readString(log, StandardCharsets.UTF_8).strip());
    }
    Files.writeString(scratch.resolve(".extracted-from"), source);
    deleteRecursively(directory);
    Files.move(scratch, directory, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(log);
    return extracted;
  }

  /** Copies unless the copy is already the same build (same size and time). */
  private static Path copy(Path jar, Path copy) throws IOException {
    if (Files.exists(copy)
        && Files.size(copy) == Files.size(jar)
        && Files.getLastModifiedTime(copy).equals(Files.getLastModifiedTime(jar))) {
      return copy;
    }
    Path temp = copy.resolveSibling(copy.getFileName() + ".tmp");
    Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    Files.move(temp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return copy;
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
