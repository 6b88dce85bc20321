package io.veneer.scheduler.cluster;

/**
 * An amount of the three resources a desktop claims on a host.
 *
 * @param vcpus virtual CPUs
 * @param memoryMib memory in MiB
 * @param diskGib disk in GiB
 */
public record Resources(long vcpus, long memoryMib, long diskGib) {

  public static final Resources ZERO = new Resources(0, 0, 0);

  public Resources {
    if (vcpus < 0 || memoryMib < 0 || diskGib < 0) {
      throw new IllegalArgumentException(
          "Resources cannot be negative: vcpus="
              + vcpus
              + " memoryMib="
              + memoryMib
              + " diskGib="
              + diskGib);
    }
  }

  public Resources plus(Resources other) {
    return new Resources(vcpus + other.vcpus, memoryMib + other.memoryMib, diskGib + other.diskGib);
  }
}
