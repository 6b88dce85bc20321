package io.veneer.portal.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real guest display: QEMU with standard VGA and no disk, whose BIOS writes its banner and "No
 * bootable device" on the screen, served on VNC at 127.0.0.1 with a password (VNC Authentication),
 * as a node agent's guest would be.
 */
final class QemuDisplay implements AutoCloseable {

  static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");

  /** The display's VNC password, as a node agent would report it (VNC uses 8 characters). */
  static final String PASSWORD = "qemu-vnc";

  private final Process process;
  private final int port;

  private QemuDisplay(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static QemuDisplay start() {
    int display = freeDisplay();
    try {
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
                      "-object",
                      "secret,id=vncpw,data=" + PASSWORD,
                      "-vnc",
                      "127.0.0.1:" + display + ",password-secret=vncpw",
                      "-no-reboot"))
              .redirectErrorStream(true)
              .redirectOutput(Path.of("target", "qemu-display.log").toFile())
              .start();
      return new QemuDisplay(process, 5900 + display);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /** A display number whose VNC port (5900 + n) is free now. */
  private static int freeDisplay() {
    for (int display = 150; display < 400; display++) {
      try (ServerSocket probe =
          new ServerSocket(5900 + display, 1, InetAddress.getLoopbackAddress())) {
        return display;
      } catch (IOException e) {
        // taken: try the next one
      }
    }
    throw new IllegalStateException("No free VNC display between :150 and :399");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
