package io.veneer.agent.balloon;

/**
 * Whether the host is short of memory, with hysteresis: pressure begins when PSI reaches its
 * threshold or MemAvailable falls below its minimum, and ends only once PSI is under half its
 * threshold and twice the minimum is available again, so that guests are not squeezed and released
 * on alternate periods. Used by one thread.
 */
final class HostPressure {

  private final BalloonSettings settings;
  private boolean under;

  HostPressure(BalloonSettings settings) {
    this.settings = settings;
  }

  /** Takes a new reading and says whether the host is under pressure now. */
  boolean update(HostMemory.Reading reading) {
    if (under) {
      under =
          reading.pressurePercent() >= settings.pressurePercent() / 2
              || reading.availableMib() < 2 * settings.minAvailableMib();
    } else {
      under =
          reading.pressurePercent() >= settings.pressurePercent()
              || reading.availableMib() < settings.minAvailableMib();
    }
    return under;
  }
}
