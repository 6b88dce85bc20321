package io.veneer.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The repository the stack runs from: the services' jars as the build leaves them, and the tiny
 * golden image's recipe. {@code ./veneer} passes its own directory as {@code VENEER_REPO}.
 */
record SourceTree(Path root) {

  SourceTree {
    root = root.toAbsolutePath().normalize();
  }

  static SourceTree fromEnvironment(Map<String, String> env) {
    String configured = env.getOrDefault("VENEER_REPO", "");
    return new SourceTree(Path.of(configured.isBlank() ? "" : configured));
  }

  /** Spring Boot's executable jar, {@code control-plane-<version>.jar}. */
  Path controlPlaneJar() {
    return bootJar("control-plane");
  }

  Path imagesJar() {
    return bootJar("golden-image-service");
  }

  Path portalJar() {
    return bootJar("web-portal");
  }

  /** The agent's shaded jar has a fixed name. */
  Path nodeAgentJar() {
    return root.resolve("node-agent/target/node-agent.jar");
  }

  Path tinyGoldenScript() {
    return root.resolve("node-agent/tiny-golden/build.sh");
  }

  /** Whether every jar the stack runs is there. */
  boolean built() {
    return Files.isRegularFile(controlPlaneJar())
        && Files.isRegularFile(imagesJar())
        && Files.isRegularFile(nodeAgentJar())
        && Files.isRegularFile(portalJar());
  }

  private Path bootJar(String module) {
    Path target = root.resolve(module).resolve("target");
    Path expected = target.resolve(module + ".jar");
    if (!Files.isDirectory(target)) {
      return expected;
    }
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(file -> file.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
          .findFirst()
          .orElse(expected);
    } catch (IOException e) {
      return expected;
    }
  }
}
