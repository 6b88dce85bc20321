package io.veneer.agent.hypervisor.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a QEMU guest's serial console, logged to a file, says: whether the guest printed its ready
 * line, and why it died.
 */
public final class SerialConsole {

  private static final int TAIL_LINES = 5;
  // Ready lines come early in a boot; a chatty guest's log is not read past this.
  private static final int READY_SEARCH_BYTES = 4 << 20;

  private SerialConsole() {}

  /** Whether the console log holds the ready line (an empty ready line is always there). */
  public static boolean holds(Path console, String readyLine) {
    if (readyLine.isEmpty()) {
      return true;
    }
    try (InputStream in = Files.newInputStream(console)) {
      return new String(in.readNBytes(READY_SEARCH_BYTES), StandardCharsets.ISO_8859_1)
          .contains(readyLine);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Why a guest died, from its console: the kernel's panic or oops line when there is one (the last
   * lines are usually a stack trace), else the last lines, else the emulator's own log.
   */
  public static String crashReason(Path console, Path emulatorLog) {
    try {
      List<String> lines = Files.readAllLines(console, StandardCharsets.ISO_8859_1);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i);
        if (line.contains("Kernel panic")
            || line.contains("VENEER GUEST FAILED")
            || line.contains("Oops:")) {
          return line.replaceFirst("^\\[[ 0-9.]+\\]\\s*", "").strip();
        }
      }
    } catch (IOException e) {
      // Fall back to the tail below.
    }
    return "its console ended with: " + tail(console, emulatorLog);
  }

  /** The last console lines, where a kernel says why it died, else the emulator's. */
  public static String tail(Path console, Path emulatorLog) {
    String lines = lastLines(console);
    return lines.isBlank() ? lastLines(emulatorLog) : lines;
  }

  /** The file's last non-blank lines, joined with {@code |}. */
  public static String lastLines(Path file) {
    try {
      List<String> lines =
          Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .toList();
      return String.join(
          " | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
