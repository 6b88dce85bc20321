package io.veneer.cli;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on standard error: {@code label [#####-----] 50% 5.0/10.0 MiB}. */
final class ProgressBar {

  private static final int WIDTH = 30;
  private static final double MIB = 1024.0 * 1024.0;

  private final PrintStream err;
  private final String label;
  private final long total;
  private int shownPercent = -1;

  ProgressBar(PrintStream err, String label, long total) {
    this.err = err;
    this.label = label;
    this.total = total;
  }

  /** Redraws the bar when the whole percentage changed. */
  void update(long done) {
    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    if (percent == shownPercent) {
      return;
    }
    shownPercent = percent;
    int filled = percent * WIDTH / 100;
    err.printf(
        Locale.ROOT,
        "\r%s [%s%s] %3d%%  %.1f/%.1f MiB",
        label,
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        percent,
        done / MIB,
        total / MIB);
    err.flush();
  }

  /** Says something under the bar (a dropped connection) and draws the bar again below it. */
  void note(String message) {
    err.println();
    err.println(message);
    shownPercent = -1;
  }

  void finish() {
    err.println();
  }
}
