package io.veneer.agent.balloon;

import java.io.IOException;

/** The host's memory as the balloon policy sees it: the seam tests feed pressure through. */
public interface HostMemory {

  Reading read() throws IOException;

  /**
   * @param pressurePercent PSI's {@code some avg10} of {@code /proc/pressure/memory}: the share of
   *     the last 10 s in which some task waited for memory
   * @param availableMib {@code MemAvailable} of {@code /proc/meminfo}
   */
  record Reading(double pressurePercent, long availableMib) {}
}
