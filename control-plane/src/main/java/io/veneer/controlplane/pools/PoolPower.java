package io.veneer.controlplane.pools;

import java.time.Duration;

/**
 * How a pool's desktops are powered by the clock.
 *
 * @param idleShutdownMinutes how long a desktop handed to someone may show no sign of use before
 *     the pool controller shuts it down; 0 = never
 * @param schedule its minimum size and warm spares by the time of day; {@code null} = {@link
 *     PowerSchedule#NONE}, its spec's at every hour
 */
public record PoolPower(int idleShutdownMinutes, PowerSchedule schedule) {

  /** Never shut down for idleness, sized by its spec alone. */
  public static final PoolPower ALWAYS_ON = new PoolPower(0, PowerSchedule.NONE);

  public PoolPower {
    schedule = schedule == null ? PowerSchedule.NONE : schedule;
    if (idleShutdownMinutes < 0) {
      throw new IllegalArgumentException(
          "power.idleShutdownMinutes: must be 0 (never) or more, was " + idleShutdownMinutes);
    }
  }

  /** {@link #idleShutdownMinutes}; {@link Duration#ZERO} = never. */
  public Duration idleShutdown() {
    return Duration.ofMinutes(idleShutdownMinutes);
  }
}
