package io.veneer.controlplane.console;

import io.veneer.controlplane.common.NotFoundException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * When each desktop's console was last used ({@code desktop_console_use}, V33): asked for, opened,
 * or typed or clicked in (reported by the portal's console proxy). A sign of use, which its pool's
 * idle shutdown waits on.
 */
@Component
public class ConsoleUse {

  private final JdbcTemplate jdbc;
  private final Clock clock;

  ConsoleUse(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Records a use now. Kept to the microsecond PostgreSQL stores, cut rather than rounded: a use
   * rounded up into the future would hold off an idle shutdown due at the very moment the idle time
   * ends.
   */
  void used(UUID desktopId) {
    jdbc.update(
        "INSERT INTO desktop_console_use (desktop_id, used_at) VALUES (?, ?)"
            + " ON CONFLICT (desktop_id) DO UPDATE SET used_at = GREATEST("
            + "desktop_console_use.used_at, excluded.used_at)",
        desktopId,
        Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)));
  }

  /**
   * The console proxy saw keyboard or pointer input to the desktop's display (it reports at most
   * once a minute per desktop).
   *
   * @throws NotFoundException when there is no such desktop, or it is gone
   */
  public void inputSeen(UUID desktopId) {
    Boolean present =
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM desktop WHERE id = ? AND desktop_present(state))",
            Boolean.class,
            desktopId);
    if (!Boolean.TRUE.equals(present)) {
      throw new NotFoundException("Desktop", desktopId);
    }
    used(desktopId);
  }
}
