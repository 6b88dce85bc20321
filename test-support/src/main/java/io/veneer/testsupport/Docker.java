package io.veneer.testsupport;

import org.testcontainers.DockerClientFactory;

/** Decides whether tests run their servers in containers or embedded in this JVM's machine. */
public final class Docker {

  /**
   * {@code veneer.test.servers}: {@code auto} (default: containers when a Docker engine answers),
   * {@code containers} or {@code embedded}.
   */
  public static final String MODE_PROPERTY = "veneer.test.servers";

  private Docker() {}

  public static boolean useContainers() {
    String mode = System.getProperty(MODE_PROPERTY, "auto");
    return switch (mode) {
      case "containers" -> true;
      case "embedded" -> false;
      case "auto" -> engineAnswers();
      default ->
          throw new IllegalArgumentException(
              MODE_PROPERTY + " must be auto, containers or embedded, not '" + mode + "'");
    };
  }

  private static boolean engineAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
