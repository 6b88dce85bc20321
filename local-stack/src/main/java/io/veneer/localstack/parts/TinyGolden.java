package io.veneer.localstack.parts;

import io.veneer.localstack.StartupFailure;
import io.veneer.localstack.process.LogFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tiny bootable golden image ({@code node-agent/tiny-golden/build.sh}): a qcow2 disk that the
 * BIOS boots (syslinux on a FAT boot partition loads a Debian kernel and an initrd whose init
 * prints {@code VENEER GUEST READY}; a 64 MiB ext4 root partition), with the kernel and initrd also
 * beside it for direct kernel boot. Built once into a cache shared with the tests, reused while its
 * recipe and packages are unchanged.
 *
 * @param directory where the script puts {@code golden.qcow2} (and {@code vmlinuz}, {@code
 *     vmlinux}, {@code initrd.img})
 */
public record TinyGolden(Path directory) {

  public static Path defaultDirectory(Map<String, String> env) {
    String configured = env.getOrDefault("VENEER_TINY_GOLDEN_DIR", "");
    return configured.isBlank()
        ? Path.of(System.getProperty("user.home"), ".cache", "veneer", "tiny-golden")
        : Path.of(configured);
  }

  public Path disk() {
    return directory.resolve("golden.qcow2");
  }

  /** The uncompressed kernel, which QEMU boots directly without decompressing it. */
  public Path vmlinux() {
    return directory.resolve("vmlinux");
  }

  public Path initrd() {
    return directory.resolve("initrd.img");
  }

  /** Runs the build script (quick when the image is up to date). */
  public static TinyGolden build(Path script, Path directory, Path log, Duration timeout)
      throws StartupFailure, IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    Process build =
        new ProcessBuilder(script.toString(), directory.toString())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectErrorStream(true)
            .start();
    if (!build.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      build.destroyForcibly();
      throw failure("took longer than " + timeout.toMinutes() + " minutes", log);
    }
    if (build.exitValue() != 0) {
      throw failure("failed (exit code " + build.exitValue() + ")", log);
    }
    return new TinyGolden(directory);
  }

  private static StartupFailure failure(String what, Path log) {
    List<String> tail = LogFile.tail(log, 10);
    return new StartupFailure(
        "tiny-golden",
        "building the tiny golden image " + what,
        "it needs Debian's apt-get, qemu-img, mke2fs, cpio, gzip, sfdisk, mkfs.vfat, mtools and"
            + " syslinux: apt-get update && apt-get install qemu-utils e2fsprogs cpio"
            + " busybox-static fdisk dosfstools mtools syslinux syslinux-common (the log below says"
            + " which one is missing)",
        log,
        tail);
  }
}
