package io.veneer.agent.balloon;

import java.time.Duration;

/**
 * The balloon policy's settings (node-agent/README.md, "Memory"). A setting it cannot honour stops
 * the agent, naming it.
 *
 * @param enabled whether the agent moves balloons at all
 * @param floorPercent the share of its memory an idle guest keeps under pressure
 * @param pressurePercent PSI {@code some avg10} of memory at which the host is under pressure
 * @param minAvailableMib MemAvailable below which the host is under pressure
 * @param period how often the host and every guest are looked at
 */
public record BalloonSettings(
    boolean enabled, int floorPercent, int pressurePercent, long minAvailableMib, Duration period) {

  public BalloonSettings {
    if (floorPercent < 10 || floorPercent > 100) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON_FLOOR_PERCENT must be 10-100 (a guest squeezed below a tenth of its"
              + " memory stops working), not "
              + floorPercent);
    }
    if (pressurePercent < 1 || pressurePercent > 100) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON_PRESSURE_PERCENT must be 1-100 (PSI some avg10), not " + pressurePercent);
    }
    if (minAvailableMib < 0) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON_MIN_AVAILABLE_MIB must be 0 or more, not " + minAvailableMib);
    }
    if (period.toSeconds() < 2 || period.toSeconds() > 3600) {
      throw new IllegalArgumentException(
          "VENEER_BALLOON_PERIOD_SECONDS must be 2-3600 (guests report their memory every 2 s),"
              + " not "
              + period.toSeconds());
    }
  }
}
