package io.veneer.portal.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real guest display: QEMU with standard VGA and no disk, whose BIOS writes its banner and "No
 * bootable device" on the screen, served on VNC at a unix socket in an owner-only directory, as a
 * node agent's guest is (reached through the agent's console listener).
 */
final class QemuDisplay implements AutoCloseable {

  static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

  private final Process process;
  private final Path socket;

  private QemuDisplay(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  static QemuDisplay start() {
    try {
      Path directory =
          Files.createTempDirectory(
              "qemu-display",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path socket = directory.resolve("vnc.sock");
      Process process =
          new ProcessBuilder(
                  List.of(
                      QEMU.toString(),
                      "-nodefaults",
                      "-machine",
                      "pc",
                      "-vga",
                      "std",
                      "-m",
                      "32",
                      "-display",
                      "none",
                      "-vnc",
                      "unix:" + socket,
                      "-no-reboot"))
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "qemu-display.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.exists(socket) && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      return new QemuDisplay(process, socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  UnixDomainSocketAddress address() {
    return UnixDomainSocketAddress.of(socket);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
