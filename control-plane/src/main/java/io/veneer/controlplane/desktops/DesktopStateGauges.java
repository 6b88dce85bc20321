package io.veneer.controlplane.desktops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code veneer_desktops{state}}: how many desktops are in each state, across all replicas. One
 * count query serves every gauge and is repeated at most every few seconds however often Prometheus
 * scrapes, since the counts are a fleet-wide view and need not be exact to the millisecond.
 */
@Component
class DesktopStateGauges {

  private static final Duration FRESH_FOR = Duration.ofSeconds(5);

  private final JdbcTemplate jdbc;
  private final Clock clock = Clock.systemUTC();
  private Map<DesktopState, Long> counts = new EnumMap<>(DesktopState.class);
  private Instant countedAt = Instant.MIN;

  DesktopStateGauges(JdbcTemplate jdbc, MeterRegistry meters) {
    this.jdbc = jdbc;
    for (DesktopState state : DesktopState.values()) {
      if (!state.present()) {
        continue; // only grows; deletions are counted by the events
      }
      Gauge.builder("veneer.desktops", this, gauges -> gauges.count(state))
          .tag("state", state.name())
          .description("Desktops in this lifecycle state, in the whole fleet")
          .register(meters);
    }
  }

  private synchronized double count(DesktopState state) {
    Instant now = clock.instant();
    if (Duration.between(countedAt, now).compareTo(FRESH_FOR) > 0) {
      Map<DesktopState, Long> fresh = new EnumMap<>(DesktopState.class);
      jdbc.query(
          "SELECT state, count(*) AS n FROM desktop WHERE desktop_present(state) GROUP BY state",
          row -> {
            fresh.put(DesktopState.valueOf(row.getString("state")), row.getLong("n"));
          });
      counts = fresh;
      countedAt = now;
    }
    return counts.getOrDefault(state, 0L);
  }
}
