package io.veneer.localstack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * What the person who ran {@code ./veneer up} sees: one line when a part starts, one when it is
 * ready (with how long it took) or failed (with why, how to fix it and where its log is).
 */
final class Progress {

  private final PrintStream out;
  private final StackLayout layout;

  Progress(PrintStream out, StackLayout layout) {
    this.out = out;
    this.layout = layout;
  }

  /** A part being brought up. */
  final class Step {
    private final String part;
    private final long begin = System.nanoTime();

    private Step(String part) {
      this.part = part;
    }

    void ready(String detail) {
      line("ready", part, "in " + seconds(Duration.ofNanos(System.nanoTime() - begin)), detail);
    }
  }

  Step start(String part, String detail) {
    line("start", part, detail, "");
    return new Step(part);
  }

  void failed(StartupFailure failure) {
    line("FAIL", failure.part(), failure.getMessage(), "");
    out.println("           fix:  " + failure.fix());
    if (failure.log() != null) {
      out.println("           log:  " + layout.show(failure.log()) + " (last lines below)");
      for (String line : failure.logTail()) {
        out.println("             | " + line);
      }
    }
    out.flush();
  }

  void stopping(String part) {
    line("stop", part, "", "");
  }

  void stopped(String part, Duration took) {
    line("stopped", part, "in " + seconds(took), "");
  }

  void stopFailed(String part, Exception failure) {
    line("WARN", part, "did not stop cleanly: " + failure.getMessage(), "");
  }

  /** A plain line of text. */
  void say(String text) {
    out.println(text);
    out.flush();
  }

  /** A warning nobody should miss. */
  void shout(String text) {
    out.println();
    out.println("  !!! " + text);
    out.println();
    out.flush();
  }

  static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  private synchronized void line(String status, String part, String what, String detail) {
    String text =
        String.format(Locale.ROOT, "  %-8s %-22s %s", "[" + status + "]", part, what)
            .stripTrailing();
    out.println(detail.isEmpty() ? text : text + "  (" + detail + ")");
    out.flush();
  }
}
