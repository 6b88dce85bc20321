package io.veneer.agent;

import io.veneer.agent.converge.Converger;
import io.veneer.agent.v1.DesktopStatus;
import io.veneer.agent.v1.ObservedState;
import java.time.Duration;
import java.util.List;

/** What a converger has reported, as a test collects it, waited on while converging. */
final class ConvergedReports {

  private ConvergedReports() {}

  /**
   * Converges until {@code reports} holds {@code state} for the desktop, for at most {@code
   * patience}; returns that report.
   */
  static DesktopStatus await(
      Converger converger,
      List<DesktopStatus> reports,
      String desk,
      ObservedState state,
      Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      converger.convergeOnce();
      for (DesktopStatus report : reports) {
        if (report.getDesktopId().equals(desk) && report.getState() == state) {
          return report;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(desk + " never reported " + state + "; reports: " + reports);
  }
}
