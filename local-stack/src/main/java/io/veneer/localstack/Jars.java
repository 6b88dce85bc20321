package io.veneer.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The jars the stack runs: copies of the build's, under {@code run/jars/}. A Spring Boot service
 * loads classes from its jar for as long as it runs, so a {@code ./mvnw package} while the stack is
 * up would otherwise pull the jar from under it (NoClassDefFoundError at the next new class).
 */
record Jars(Path controlPlane, Path images, Path nodeAgent, Path portal) {

  static Jars copiedFrom(SourceTree tree, Path directory) throws IOException {
    Files.createDirectories(directory);
    return new Jars(
        copy(tree.controlPlaneJar(), directory.resolve("control-plane.jar")),
        copy(tree.imagesJar(), directory.resolve("golden-image-service.jar")),
        copy(tree.nodeAgentJar(), directory.resolve("node-agent.jar")),
        copy(tree.portalJar(), directory.resolve("web-portal.jar")));
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
}
