package io.veneer.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The tiny bootable golden image, built once per machine by node-agent/tiny-golden/build.sh.
 *
 * @param kernel Debian's compressed kernel (a bzImage)
 * @param vmlinux the same kernel uncompressed, an ELF that QEMU boots through its PVH entry
 */
public record TinyGolden(Path golden, Path kernel, Path vmlinux, Path initrd) {

  private static TinyGolden built;

  public static synchronized TinyGolden get() throws IOException {
    if (built == null) {
      Path dir = build("build.sh");
      built =
          new TinyGolden(
              dir.resolve("golden.qcow2"),
              dir.resolve("vmlinuz"),
              dir.resolve("vmlinux"),
              dir.resolve("initrd.img"));
    }
    return built;
  }

  /**
   * The shared-root variant (tiny-golden/build-sharedroot.sh): a root-filesystem archive carrying
   * its own kernel and initrd in {@code boot/veneer/}.
   */
  public static synchronized Path sharedRoot() throws IOException {
    return build("build-sharedroot.sh").resolve("sharedroot.tar");
  }

  /**
   * Runs {@code tiny-golden/<script>}, which does nothing when its output is up to date, and
   * returns the directory it builds into ({@code VENEER_TINY_GOLDEN_DIR}, else the user's cache).
   */
  static Path build(String script) throws IOException {
    Path dir =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "VENEER_TINY_GOLDEN_DIR",
                    System.getProperty("user.home") + "/.cache/veneer/tiny-golden"));
    Process build =
        new ProcessBuilder("bash", "tiny-golden/" + script, dir.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
        throw new IOException("tiny-golden/" + script + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return dir;
  }
}
