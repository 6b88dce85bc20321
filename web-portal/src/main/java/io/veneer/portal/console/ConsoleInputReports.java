package io.veneer.portal.console;

import io.veneer.portal.backend.ControlPlane;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Tells the control plane that a desktop's console gets keyboard or pointer input, for its pool's
 * idle shutdown: at the first input of a connection, then at most once a {@link #INTERVAL} per
 * desktop, as the portal itself (the console proxy's service credential). Idle times are minutes
 * long, so a report a minute late never shuts down a desktop in use, and a busy console costs the
 * control plane one call a minute.
 */
@Component
class ConsoleInputReports {

  static final Duration INTERVAL = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(ConsoleInputReports.class);

  private final ControlPlane controlPlane;
  private final Clock clock = Clock.systemUTC();
  private final Map<UUID, Instant> lastReported = new ConcurrentHashMap<>();

  ConsoleInputReports(ControlPlane controlPlane) {
    this.controlPlane = controlPlane;
  }

  /** Input reached the desktop's display; reported unless it was within the interval. */
  void inputTo(UUID desktopId) {
    Instant now = clock.instant();
    Instant last = lastReported.get(desktopId);
    if (last != null && now.isBefore(last.plus(INTERVAL))) {
      return;
    }
    if (last == null
        ? lastReported.putIfAbsent(desktopId, now) != null
        : !lastReported.replace(desktopId, last, now)) {
      return; // another connection to the same desktop reports it
    }
    // Off the relay's thread: the console never waits for the control plane.
    Thread.ofVirtual().name("console-input-report").start(() -> report(desktopId));
  }

  /** The desktop's console connection ended: its next one reports its first input at once. */
  void closed(UUID desktopId) {
    lastReported.remove(desktopId);
  }

  private void report(UUID desktopId) {
    try {
      controlPlane.reportConsoleInput(desktopId);
      log.debug("event=console.input-reported desktop={}", desktopId);
    } catch (RuntimeException e) {
      // The next input after the interval tries again; an idle shutdown is minutes away.
      log.warn(
          "event=console.input-report-failed desktop={} error=\"{}\"", desktopId, e.getMessage());
    }
  }
}
