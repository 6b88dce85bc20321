package io.veneer.testsupport.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/** Finds a JDK that Keycloak 26 runs on: it needs Java 21 or newer. */
final class JavaHomes {

  static final int MINIMUM_FEATURE = 21;
  private static final Path INSTALLED = Path.of("/usr/lib/jvm");

  private JavaHomes() {}

  static Path forKeycloak(Optional<Path> configured) {
    if (configured.isPresent()) {
      return configured.get();
    }
    if (Runtime.version().feature() >= MINIMUM_FEATURE) {
      return Path.of(System.getProperty("java.home"));
    }
    return newestInstalled()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Keycloak needs a JDK "
                        + MINIMUM_FEATURE
                        + "+: this JVM is "
                        + Runtime.version()
                        + " and none is under "
                        + INSTALLED
                        + "; set veneer.keycloak.java-home"));
  }

  private static Optional<Path> newestInstalled() {
    if (!Files.isDirectory(INSTALLED)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(INSTALLED)) {
      return homes
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> feature(home) >= MINIMUM_FEATURE)
          .max(Comparator.comparingInt(JavaHomes::feature));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The major version from the JDK's release file, or 0 when it has none. */
  private static int feature(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(release)) {
      properties.load(in);
    } catch (IOException e) {
      return 0;
    }
    String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
    return Integer.parseInt(version.split("[.+-]")[0]);
  }
}
