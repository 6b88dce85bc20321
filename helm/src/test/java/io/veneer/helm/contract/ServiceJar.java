package io.veneer.helm.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A Spring Boot service's executable jar, as the reactor built it in its module's target/. */
record ServiceJar(String module, Path path) {

  static ServiceJar of(String module) {
    Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().matches(module + "-[0-9][^/]*(?<!-plain)\\.jar"))
          .findFirst()
          .map(jar -> new ServiceJar(module, jar))
          .orElseThrow(() -> missing(module, target));
    } catch (IOException e) {
      throw new UncheckedIOException(missing(module, target).getMessage(), e);
    }
  }

  private static IllegalStateException missing(String module, Path target) {
    return new IllegalStateException(
        "No executable jar of "
            + module
            + " in "
            + target
            + ": build it with ./mvnw -pl helm -am verify (the reactor packages it first)");
  }
}
