package io.veneer.testsupport.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Keycloak's server distribution, unpacked once into a cache directory that outlives {@code mvn
 * clean} and is shared by every module and test JVM of the machine.
 */
public final class KeycloakDistribution {

  private KeycloakDistribution() {}

  /**
   * The unpacked server's home directory (the one holding bin/kc.sh), unpacked once per machine.
   *
   * @throws IllegalStateException when the distribution is missing
   */
  public static Path home(KeycloakSettings settings) {
    Path distribution = settings.distribution();
    if (Files.isDirectory(distribution)) {
      return distribution;
    }
    if (!Files.isRegularFile(distribution)) {
      throw new IllegalStateException(
          "The Keycloak server distribution "
              + distribution
              + " is missing. A module that uses TestKeycloak declares the test dependency"
              + " org.keycloak:keycloak-quarkus-dist:zip (see test-support/README.md), so that"
              + " Maven downloads it; or set veneer.keycloak.dist to a zip or unpacked directory.");
    }
    Path home = settings.cacheDir().resolve("keycloak-" + settings.version());
    return whileLocked(home, () -> unpackUnlessDone(distribution, home));
  }

  /**
   * Runs the action holding a lock other test JVMs respect: concurrent unpacking, and Keycloak's
   * rebuild of its own home at the first start, must not interleave.
   */
  public static <T> T whileLocked(Path home, Supplier<T> action) {
    Path lockFile = home.resolveSibling(home.getFileName() + ".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        return action.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not lock " + lockFile, e);
    }
  }

  private static Path unpackUnlessDone(Path zip, Path home) {
    Path done = home.resolve(".veneer-unpacked");
    if (Files.exists(done)) {
      return home;
    }
    try {
      Path scratch = Files.createTempDirectory(home.getParent(), ".unpacking-");
      unzip(zip, scratch);
      Path unpackedHome = onlyChild(scratch);
      makeScriptsExecutable(unpackedHome.resolve("bin"));
      Files.createFile(unpackedHome.resolve(".veneer-unpacked"));
      deleteRecursively(home);
      Files.move(unpackedHome, home, StandardCopyOption.ATOMIC_MOVE);
      deleteRecursively(scratch);
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not unpack " + zip + " into " + home, e);
    }
  }

  private static void unzip(Path zip, Path target) throws IOException {
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path destination = target.resolve(entry.getName()).normalize();
        if (!destination.startsWith(target)) {
          throw new IOException("Zip entry " + entry.getName() + " leaves the target directory");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(destination);
        } else {
          Files.createDirectories(destination.getParent());
          try (InputStream in = file.getInputStream(entry)) {
            Files.copy(in, destination);
          }
        }
      }
    }
  }

  private static Path onlyChild(Path directory) throws IOException {
    try (Stream<Path> children = Files.list(directory)) {
      return children
          .reduce(
              (first, second) -> {
                throw new IllegalStateException("Expected one top-level directory in the zip");
              })
          .orElseThrow(() -> new IllegalStateException("The Keycloak zip is empty"));
    }
  }

  /** java.util.zip drops Unix permissions. */
  private static void makeScriptsExecutable(Path bin) throws IOException {
    try (Stream<Path> scripts = Files.list(bin)) {
      for (Path script : scripts.filter(p -> p.toString().endsWith(".sh")).toList()) {
        if (!script.toFile().setExecutable(true)) {
          throw new IOException("Could not make " + script + " executable");
        }
      }
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
