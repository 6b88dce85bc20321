package io.veneer.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stand-in blobs for tests with the simulated driver, which never reads them. */
final class TinyGoldenFiles {

  private TinyGoldenFiles() {}

  static TinyGolden fake(Path dir) throws IOException {
    return new TinyGolden(
        Files.writeString(dir.resolve("fake-golden"), "golden"),
        Files.writeString(dir.resolve("fake-kernel"), "kernel"),
        Files.writeString(dir.resolve("fake-vmlinux"), "vmlinux"),
        Files.writeString(dir.resolve("fake-initrd"), "initrd"));
  }
}
