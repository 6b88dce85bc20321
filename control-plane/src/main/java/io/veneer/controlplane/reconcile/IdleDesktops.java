package io.veneer.controlplane.reconcile;

import io.veneer.controlplane.audit.AuditLog;
import io.veneer.controlplane.desktops.Desktop;
import io.veneer.controlplane.desktops.DesktopState;
import io.veneer.controlplane.desktops.PowerState;
import io.veneer.controlplane.events.DesktopEvents;
import io.veneer.controlplane.pools.Pool;
import io.veneer.controlplane.security.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Shuts down a pool's desktops that nobody uses: running, handed to someone, and without a sign of
 * use for the pool's idle time. The control plane sees neither keystrokes nor a console closing, so
 * the signs of use are what it does see: the desktop being handed over, started or otherwise asked
 * for something (its spec changing), it coming to its current phase, and its console being asked
 * for or opened through the portal (a console ticket issued or redeemed). Free desktops are warm
 * spares, kept ready on purpose, and never idle in this sense. No driver suspends a guest yet, so
 * an idle desktop is shut down.
 */
@Component
class IdleDesktops {

  private static final Logger log = LoggerFactory.getLogger(IdleDesktops.class);
  private static final Caller CONTROLLER = new Caller("pool-controller", false, Set.of());

  private final JdbcTemplate jdbc;
  private final DesktopEvents events;
  private final AuditLog audit;
  private final Clock clock;

  IdleDesktops(JdbcTemplate jdbc, DesktopEvents events, AuditLog audit, Clock clock) {
    this.jdbc = jdbc;
    this.events = events;
    this.audit = audit;
    this.clock = clock;
  }

  /** Wants every idle desktop of {@code pool} off; adds those it changed to {@code touched}. */
  void shutDown(Pool pool, List<Desktop> all, List<Desktop> touched) {
    Duration idleTime = pool.spec().power().idleShutdown();
    if (idleTime.isZero()) {
      return;
    }
    Instant now = clock.instant();
    Map<UUID, Instant> consoleUse = consoleUse(pool.id());
    for (Desktop desktop : all) {
      if (!inUseAndRunning(desktop)) {
        continue;
      }
      LastUse last = lastUse(desktop, consoleUse.get(desktop.id()));
      if (last.at().plus(idleTime).isAfter(now)) {
        continue;
      }
      String reason =
          "no sign of use for "
              + Duration.between(last.at(), now).toMinutes()
              + " min (pool's idle time "
              + idleTime.toMinutes()
              + " min); last: "
              + last.what()
              + " at "
              + last.at();
      desktop.desirePower(PowerState.OFF);
      touched.add(desktop);
      events.idleShutdown(desktop, reason, CONTROLLER.subject(), now);
      audit.record(CONTROLLER, "desktop.idle-shutdown", "desktop", desktop.id(), reason);
      log.info(
          "event=desktop.idle-shutdown desktop={} pool={} owner={} reason=\"{}\"",
          desktop.id(),
          pool.id(),
          desktop.owner().orElse(""),
          reason);
    }
  }

  private static boolean inUseAndRunning(Desktop desktop) {
    return desktop.state() == DesktopState.RUNNING
        && desktop.desiredPower() == PowerState.ON
        && desktop.owner().isPresent()
        && !desktop.leaving();
  }

  /** The latest sign of use of a desktop, and what it was. */
  private record LastUse(Instant at, String what) {

    LastUse later(Instant other, String otherWhat) {
      return other != null && other.isAfter(at) ? new LastUse(other, otherWhat) : this;
    }
  }

  private static LastUse lastUse(Desktop desktop, Instant console) {
    return new LastUse(desktop.updatedAt(), "asked for (handed over, started)")
        .later(desktop.observedAt(), "came to " + desktop.state())
        .later(console, "console asked for, opened or typed or clicked in");
  }

  private Map<UUID, Instant> consoleUse(UUID poolId) {
    Map<UUID, Instant> used = new HashMap<>();
    jdbc.query(
        "SELECT u.desktop_id, u.used_at FROM desktop_console_use u"
            + " JOIN desktop d ON d.id = u.desktop_id WHERE d.pool_id = ?",
        row -> {
          used.put(
              row.getObject("desktop_id", UUID.class), row.getTimestamp("used_at").toInstant());
        },
        poolId);
    return used;
  }
}
